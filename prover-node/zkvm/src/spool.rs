//! Where proven shards go while a run is proven: a [`ShardStore`].
//!
//! - [`MemoryStore`] keeps them in memory (what [`crate::Prover::prove`] returns as a
//!   [`crate::Proof`]); nothing is kept from an earlier attempt.
//! - [`SpoolDir`] writes each shard's proof to a directory the moment it is proven. A proof
//!   of hours survives an interruption: run the same command again and proving resumes at
//!   the first shard without a file (the earlier shards are recorded and their traces
//!   generated again, a few percent of the work, and the kept proof is reused only if its
//!   public values are exactly the ones the run produces now and its STARK verifies under
//!   the prover's key, so shards of another build are caught at once, not at the end). The proof file is then
//!   written by streaming the shards from disk ([`SpoolDir::write_proof`]), so memory holds
//!   one shard's proof, not all of them.
//!
//! A spool directory holds `manifest` (what run it is for: program id, SHA-256 of the
//! input, cycles, shard size; a mismatch is a [`ZkvmError::Spool`] naming both values) and
//! one `shard-NNNNNN.zkvp` per proven shard ([`zkvm_stark::MachineProof::to_bytes`]),
//! written to a temporary name and renamed, so a file is either whole or absent.
//!
//! Reusing a kept shard cannot make a wrong proof accepted in any case: [`crate::verify`]
//! checks every shard's STARK and the chain as for any other proof.

use std::format;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::string::String;
use std::vec::Vec;

use sha2::{Digest as _, Sha256};
use zkvm_stark::{MachineConfig, MachineProof};

use crate::{ProgramId, ZkvmError, proof};

/// Where the prover puts each proven shard, and where it finds one proven earlier.
pub trait ShardStore<SC: MachineConfig> {
    /// The proof of shard `index` kept from an earlier attempt, if there is one.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Spool`] if a kept proof cannot be read.
    fn get(&mut self, index: usize) -> Result<Option<MachineProof<SC>>, ZkvmError>;
    /// Keep the proof of shard `index` (shards come in order, from 0).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Spool`] if it cannot be kept.
    fn put(&mut self, index: usize, proof: MachineProof<SC>) -> Result<(), ZkvmError>;
}

/// Every shard in memory, in order; nothing from earlier attempts.
pub struct MemoryStore<SC: MachineConfig> {
    /// The shards kept so far.
    pub shards: Vec<MachineProof<SC>>,
}

impl<SC: MachineConfig> Default for MemoryStore<SC> {
    fn default() -> Self {
        MemoryStore { shards: Vec::new() }
    }
}

impl<SC: MachineConfig> ShardStore<SC> for MemoryStore<SC> {
    fn get(&mut self, _index: usize) -> Result<Option<MachineProof<SC>>, ZkvmError> {
        Ok(None)
    }

    fn put(&mut self, index: usize, proof: MachineProof<SC>) -> Result<(), ZkvmError> {
        if index != self.shards.len() {
            return Err(ZkvmError::Spool(format!(
                "shard {index} put out of order: expected shard {}",
                self.shards.len()
            )));
        }
        self.shards.push(proof);
        Ok(())
    }
}

/// What run a spool directory holds shards of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolRun {
    /// The program.
    pub program_id: ProgramId,
    /// SHA-256 of the whole input.
    pub input_sha256: [u8; 32],
    /// Cycles of the run.
    pub cycles: u64,
    /// Cycles per shard.
    pub shard_cycles: u64,
    /// Shards in fixed shapes (cut by capacity too): another cut, other shards.
    pub fixed_shapes: bool,
}

impl SpoolRun {
    /// The run of `program_id` on `input`, `cycles` long, cut every `shard_cycles`.
    pub fn new(program_id: ProgramId, input: &[u8], cycles: u64, shard_cycles: u64) -> Self {
        SpoolRun {
            program_id,
            input_sha256: Sha256::digest(input).into(),
            cycles,
            shard_cycles,
            fixed_shapes: false,
        }
    }

    /// The same run proven in fixed shapes (`ProveOptions::fixed_shapes`).
    pub fn with_fixed_shapes(mut self, fixed_shapes: bool) -> Self {
        self.fixed_shapes = fixed_shapes;
        self
    }

    /// Number of shards of a cut by cycles (a cut by capacity may make more).
    pub fn shards(&self) -> u64 {
        self.cycles.div_ceil(self.shard_cycles.max(1)).max(1)
    }

    fn manifest(&self) -> String {
        format!(
            "{MANIFEST_TITLE}\nprogram {}\ninput-sha256 {}\ncycles {}\nshard-cycles {}\nfixed-shapes {}\n",
            self.program_id,
            hex(&self.input_sha256),
            self.cycles,
            self.shard_cycles,
            u8::from(self.fixed_shapes)
        )
    }
}

const MANIFEST_TITLE: &str = "zkvm shard spool v1";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Shards kept on disk, one file each (see the module docs).
pub struct SpoolDir<SC: MachineConfig> {
    dir: PathBuf,
    _config: core::marker::PhantomData<SC>,
}

impl<SC: MachineConfig> SpoolDir<SC> {
    /// Open `dir` for `run`: create it with its manifest, or check the manifest of an earlier
    /// attempt. Returns the directory and how many of the run's shards it already holds.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Spool`] if the directory cannot be made or read, or holds another run
    /// (which field, expected and got).
    pub fn open(dir: &Path, run: &SpoolRun) -> Result<(Self, u64), ZkvmError> {
        let io = |what: &str, e: std::io::Error| {
            ZkvmError::Spool(format!("{what} {}: {e}", dir.display()))
        };
        fs::create_dir_all(dir).map_err(|e| io("creating", e))?;
        let manifest_path = dir.join("manifest");
        let wanted = run.manifest();
        match fs::read_to_string(&manifest_path) {
            Ok(found) => check_manifest(&found, &wanted, &manifest_path, dir)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomically(&manifest_path, wanted.as_bytes())?;
            }
            Err(e) => return Err(io("reading the manifest in", e)),
        }
        let spool = SpoolDir { dir: dir.to_path_buf(), _config: core::marker::PhantomData };
        let kept = (0..run.shards()).filter(|&k| spool.shard_path(k as usize).exists()).count();
        Ok((spool, kept as u64))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn shard_path(&self, index: usize) -> PathBuf {
        self.dir.join(format!("shard-{index:06}.zkvp"))
    }

    /// Write the program proof (`ZKPR`, see [`crate::Proof`]) to `out`, after `prefix` (a
    /// container's header, or nothing), reading the `shards` shard files one at a time.
    /// Written to a temporary name and renamed. Returns the file's length in bytes.
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Spool`] if a shard is missing or a file cannot be read or written.
    pub fn write_proof(
        &self,
        out: &Path,
        prefix: &[u8],
        program_id: ProgramId,
        exit_code: u32,
        output: &[u8],
        shards: u32,
    ) -> Result<u64, ZkvmError> {
        let tmp = tmp_path(out);
        let io = |what: &str, path: &Path, e: std::io::Error| {
            ZkvmError::Spool(format!("{what} {}: {e}", path.display()))
        };
        let file = fs::File::create(&tmp).map_err(|e| io("creating", &tmp, e))?;
        let mut w = std::io::BufWriter::new(file);
        let mut written = 0u64;
        let mut put = |w: &mut std::io::BufWriter<fs::File>, bytes: &[u8]| {
            written += bytes.len() as u64;
            w.write_all(bytes).map_err(|e| io("writing", &tmp, e))
        };
        put(&mut w, prefix)?;
        put(&mut w, &proof::encode_header::<SC>(program_id, exit_code, output, shards))?;
        for index in 0..shards as usize {
            let path = self.shard_path(index);
            let body = fs::read(&path).map_err(|e| io("reading", &path, e))?;
            let len = u32::try_from(body.len()).map_err(|_| {
                ZkvmError::Spool(format!("{}: {} bytes, over 4 GiB", path.display(), body.len()))
            })?;
            put(&mut w, &len.to_le_bytes())?;
            put(&mut w, &body)?;
        }
        w.into_inner()
            .map_err(|e| io("writing", &tmp, e.into_error()))?
            .sync_all()
            .map_err(|e| io("syncing", &tmp, e))?;
        fs::rename(&tmp, out).map_err(|e| io("renaming to", out, e))?;
        Ok(written)
    }

    /// Delete the directory and everything in it (after the proof is written and checked).
    ///
    /// # Errors
    ///
    /// [`ZkvmError::Spool`] if it cannot be removed.
    pub fn remove(self) -> Result<(), ZkvmError> {
        fs::remove_dir_all(&self.dir)
            .map_err(|e| ZkvmError::Spool(format!("removing {}: {e}", self.dir.display())))
    }
}

impl<SC: MachineConfig> ShardStore<SC> for SpoolDir<SC> {
    fn get(&mut self, index: usize) -> Result<Option<MachineProof<SC>>, ZkvmError> {
        let path = self.shard_path(index);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ZkvmError::Spool(format!("reading {}: {e}", path.display()))),
        };
        MachineProof::<SC>::from_bytes(&bytes).map(Some).map_err(|e| {
            ZkvmError::Spool(format!(
                "{} does not decode ({e}); delete it to prove that shard again",
                path.display()
            ))
        })
    }

    fn put(&mut self, index: usize, proof: MachineProof<SC>) -> Result<(), ZkvmError> {
        write_atomically(&self.shard_path(index), &proof.to_bytes())
    }
}

/// `path` with `.tmp` appended.
fn tmp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(path.as_os_str());
    name.push(".tmp");
    PathBuf::from(name)
}

/// Write `bytes` to a temporary file beside `path`, sync it, and rename it to `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ZkvmError> {
    let tmp = tmp_path(path);
    let io =
        |what: &str, e: std::io::Error| ZkvmError::Spool(format!("{what} {}: {e}", tmp.display()));
    let mut file = fs::File::create(&tmp).map_err(|e| io("creating", e))?;
    file.write_all(bytes).map_err(|e| io("writing", e))?;
    file.sync_all().map_err(|e| io("syncing", e))?;
    fs::rename(&tmp, path)
        .map_err(|e| ZkvmError::Spool(format!("renaming to {}: {e}", path.display())))
}

/// The first line of `found` that differs from `wanted`'s, as expected/got.
fn check_manifest(found: &str, wanted: &str, path: &Path, dir: &Path) -> Result<(), ZkvmError> {
    if found == wanted {
        return Ok(());
    }
    let mut got = found.lines();
    for expected in wanted.lines() {
        let line = got.next().unwrap_or("(end of file)");
        if line != expected {
            return Err(ZkvmError::Spool(format!(
                "{} is for another run: expected `{expected}`, got `{line}`; delete {} to start over",
                path.display(),
                dir.display()
            )));
        }
    }
    Err(ZkvmError::Spool(format!(
        "{} has {} extra line(s); delete {} to start over",
        path.display(),
        found.lines().count().saturating_sub(wanted.lines().count()),
        dir.display()
    )))
}
