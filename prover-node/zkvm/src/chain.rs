//! Verifying a proof shard by shard: each shard's STARK on its own (in parallel, or as the
//! shards arrive from a file), then the chain in order.
//!
//! [`crate::verify`] and [`crate::verify_reader`] are built from the three steps here:
//!
//! 1. [`check_shard`] (independent of every other shard): every chip's public values have
//!    the key's lengths, the STARK verifies against the key, the public values parse as a
//!    shard's state in and out and each stream sponge hashed exactly the bytes its IO calls
//!    moved. [`check_shards`] runs it over a batch on every core.
//! 2. [`ChainVerifier::push`], in execution order: the shard starts where the previous one
//!    ended (shard 0: at the entry with the ABI's registers and empty streams), its memory
//!    root in is the previous root out (shard 0: the image's root), it claims the same
//!    input length, only the last shard halts, and the output bytes it committed are the
//!    slice of the claimed output between its cursors, with the proven digest.
//! 3. [`ChainVerifier::finish`]: every shard the header announced arrived, the claimed
//!    output is exactly the committed bytes, and the claimed exit code is the proven one.
//!
//! Splitting step 1 from step 2 changes nothing about what is accepted: the chain checks
//! of shard `k` read only shard `k`'s verified public values and the state the chain
//! carries from shards `0..k`, and the first failure in execution order is the one
//! reported, as when the shards are checked one after the other.

use alloc::boxed::Box;
use alloc::vec::Vec;

use zkvm_machine::execution::{self, MemoryOutcome, ShardPublicValues, ShardStart};
use zkvm_machine::memory_root::Digest;
use zkvm_stark::MachineProof;

use crate::{ProgramId, ProgramVerifyingKey, PublicValues, StreamSlice, ZkvmConfig, ZkvmError};

/// Everything a program proof carries before its shards (the claims the chain checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofHeader {
    /// The program the proof is for.
    pub program_id: ProgramId,
    /// The exit code the prover claims.
    pub exit_code: u32,
    /// The output the prover claims.
    pub output: Vec<u8>,
    /// How many shard proofs follow.
    pub shard_count: usize,
}

/// A shard whose STARK verified, with its parsed public values: what the chain needs.
pub struct CheckedShard {
    index: usize,
    memory: MemoryOutcome,
    public: ShardPublicValues,
    fixed_shape: bool,
}

impl CheckedShard {
    /// The shard's position in the proof.
    pub fn index(&self) -> usize {
        self.index
    }
}

fn in_shard(shard: usize) -> impl Fn(ZkvmError) -> ZkvmError {
    move |e| ZkvmError::Shard { shard, source: Box::new(e) }
}

/// Step 1 for the shard at `index`: the checks that need no other shard (module docs).
///
/// # Errors
///
/// [`ZkvmError::Shard`] naming `index`, around the first check that fails.
pub fn check_shard<SC: ZkvmConfig>(
    vk: &ProgramVerifyingKey<SC>,
    index: usize,
    shard: &MachineProof<SC>,
) -> Result<CheckedShard, ZkvmError> {
    let wrap = in_shard(index);
    let pvs = &shard.public_values;
    for (chip, air) in vk.vk.airs().iter().enumerate() {
        let expected = crate::p3_air_num_public_values(air);
        let got = pvs.get(chip).map_or(0, Vec::len);
        if got != expected {
            return Err(wrap(ZkvmError::PublicValuesShape { chip, expected, got }));
        }
    }
    vk.config.verify_machine(&vk.vk, shard).map_err(|e| wrap(e.into()))?;
    let heights: Vec<u8> =
        shard.stark.degree_bits.iter().map(|&b| u8::try_from(b).unwrap_or(u8::MAX)).collect();
    let public = ShardPublicValues::from_public_values(pvs).map_err(|e| wrap(e.into()))?;
    public.check_streams().map_err(|e| wrap(e.into()))?;
    let memory = execution::memory_roots(pvs).map_err(|e| wrap(e.into()))?;
    Ok(CheckedShard {
        index,
        memory,
        public,
        fixed_shape: execution::shape::is_catalogue_shape(&heights),
    })
}

/// [`check_shard`] over a batch of consecutive shards, the first at `first_index`, on
/// every core (with the `parallel` feature); the results in the batch's order.
pub fn check_shards<SC>(
    vk: &ProgramVerifyingKey<SC>,
    first_index: usize,
    shards: &[MachineProof<SC>],
) -> Vec<Result<CheckedShard, ZkvmError>>
where
    SC: ZkvmConfig + Sync,
    MachineProof<SC>: Sync,
    ProgramVerifyingKey<SC>: Sync,
{
    use p3_maybe_rayon::prelude::*;
    shards
        .par_iter()
        .enumerate()
        .map(|(i, shard)| check_shard(vk, first_index + i, shard))
        .collect()
}

/// Steps 2 and 3: the chain of checked shards, pushed in execution order.
pub struct ChainVerifier<'a, SC: ZkvmConfig> {
    vk: &'a ProgramVerifyingKey<SC>,
    header: ProofHeader,
    next: usize,
    expected_start: ShardStart,
    expected_root: Digest,
    input_len: Option<u32>,
    input_slices: Vec<StreamSlice>,
    exit_code: u32,
    fixed_shapes: bool,
}

impl<'a, SC: ZkvmConfig> ChainVerifier<'a, SC> {
    /// A chain for a proof with `header`, checked against `vk`.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::ProgramMismatch`] if the proof is for another program;
    /// [`ZkvmError::Chain`] if it announces no shard.
    pub fn new(vk: &'a ProgramVerifyingKey<SC>, header: ProofHeader) -> Result<Self, ZkvmError> {
        if header.program_id != vk.program_id {
            return Err(ZkvmError::ProgramMismatch {
                expected: vk.program_id,
                got: header.program_id,
            });
        }
        if header.shard_count == 0 {
            return Err(ZkvmError::Chain { shard: 0, reason: "the proof has no shard" });
        }
        Ok(ChainVerifier {
            vk,
            input_slices: Vec::with_capacity(header.shard_count.min(1 << 16)),
            header,
            next: 0,
            expected_start: ShardStart::initial(vk.shape.entry),
            expected_root: vk.shape.initial_root,
            input_len: None,
            exit_code: 0,
            fixed_shapes: true,
        })
    }

    /// The index of the shard [`ChainVerifier::push`] expects next.
    pub fn next_index(&self) -> usize {
        self.next
    }

    /// Links the next shard to the chain (module docs, step 2).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Chain`] or [`ZkvmError::Shard`] naming the shard; a shard pushed out of
    /// order or past the announced count is refused the same way.
    pub fn push(&mut self, shard: CheckedShard) -> Result<(), ZkvmError> {
        let k = shard.index;
        let chain = |reason: &'static str| ZkvmError::Chain { shard: k, reason };
        if k != self.next {
            return Err(chain("checked out of order"));
        }
        if k >= self.header.shard_count {
            return Err(chain("is past the shard count the proof announces"));
        }
        let public = &shard.public;
        // Memory: shard 0 starts from the program's image, shard k from shard k − 1's end.
        let memory = shard.memory;
        memory.check_root_in(&self.expected_root).map_err(|e| in_shard(k)(e.into()))?;
        // pc, registers and stream cursors: the entry state, then the previous shard's end.
        if public.start() != self.expected_start {
            return Err(chain(if k == 0 {
                "the first shard does not start at the entry with the initial registers and streams"
            } else {
                "does not start where the previous shard ended"
            }));
        }
        if *self.input_len.get_or_insert(public.input_len) != public.input_len {
            return Err(chain("claims another input length than the first shard"));
        }
        let last = k == self.header.shard_count - 1;
        if public.halted != last {
            return Err(chain(if last {
                "the last shard does not halt"
            } else {
                "halts before the last shard"
            }));
        }
        let slice = self
            .header
            .output
            .get(public.output_start as usize..public.output_end as usize)
            .ok_or(chain("commits output past the claimed output"))?;
        if zkvm_machine::io_digest::io_digest(slice).ok() != Some(public.output_slice.digest) {
            return Err(ZkvmError::OutputMismatch { reason: "digest" });
        }
        self.input_slices.push(public.input_slice);
        self.expected_start = public.end();
        self.expected_root = memory.root_out;
        self.exit_code = public.exit_code;
        self.fixed_shapes &= shard.fixed_shape;
        self.next += 1;
        Ok(())
    }

    /// Ends the chain (module docs, step 3) and returns what the proof proves.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Chain`] if shards are missing; [`ZkvmError::OutputMismatch`] or
    /// [`ZkvmError::ExitCodeMismatch`] if a claim is not the proven one.
    pub fn finish(self) -> Result<PublicValues, ZkvmError> {
        if self.next != self.header.shard_count {
            return Err(ZkvmError::Chain {
                shard: self.next,
                reason: "is announced but missing: the chain ends before it",
            });
        }
        if self.expected_start.output_cursor as usize != self.header.output.len() {
            return Err(ZkvmError::OutputMismatch { reason: "length" });
        }
        if self.exit_code != self.header.exit_code {
            return Err(ZkvmError::ExitCodeMismatch {
                expected: self.exit_code,
                got: self.header.exit_code,
            });
        }
        Ok(PublicValues {
            program_id: self.vk.program_id,
            input_len: self.input_len.unwrap_or(0),
            input_read: self.expected_start.input_cursor,
            input_slices: self.input_slices,
            output: self.header.output,
            exit_code: self.exit_code,
            shards: self.next,
            fixed_shapes: self.fixed_shapes,
        })
    }
}
