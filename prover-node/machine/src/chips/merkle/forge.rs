//! Forging a shard's memory boundary in tests: the RAM chip's rows, the page chip's groups
//! and the Merkle chip's nodes as plain data, edited, then installed as the three traces
//! (and the Merkle public values) of a run, with the byte table's multiplicities following
//! the RAM chip's requests, so that a forgery is judged only by what it targets.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use p3_field::PrimeField64;

use crate::bus::{DIR_IN, DIR_OUT};
use crate::chips::byte::ByteRecord;
use crate::chips::page::{self, PageGroup};
use crate::chips::ram::{self, RamRow};
use crate::chips::{cpu, merkle};
use crate::execution::chip_index::{BYTE, MERKLE, PAGE, RAM};
use crate::execution::image_memory;
use crate::execution::programs::Run;
use crate::memory_root::{Digest, NodeUpdate, PAGE_WORDS, PAGE_WORDS_LOG, SparseMemory, compress};
use crate::testing::F;

/// One page hashed in one direction (an owned [`PageGroup`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    /// The page index.
    pub page: u32,
    /// `DIR_IN` or `DIR_OUT`.
    pub dir: u8,
    /// The words hashed.
    pub words: Box<[u32; PAGE_WORDS]>,
}

/// A shard's memory boundary as plain data.
pub(crate) struct Boundary {
    /// The memory the shard starts from.
    pub initial: SparseMemory,
    /// The RAM chip's rows.
    pub rows: Vec<RamRow>,
    /// The page chip's groups.
    pub groups: Vec<Group>,
    /// The Merkle chip's rows (the root first).
    pub nodes: Vec<NodeUpdate>,
    /// The rows the run's RAM trace holds now (whose byte requests the table counts).
    installed_rows: Vec<RamRow>,
}

impl Boundary {
    /// The boundary trace generation makes for `run` (a run from the entry).
    pub(crate) fn of(run: &Run) -> Self {
        Self::from_memory(run, image_memory(&run.rom.memory))
    }

    /// The boundary of `run`'s record replayed from `initial`.
    pub(crate) fn from_memory(run: &Run, mut initial: SparseMemory) -> Self {
        initial.update_pages();
        let record = &run.record;
        let cpu = cpu::generate_trace_with_syscalls::<F>(
            &run.rom,
            &run.record.start,
            &initial,
            &record.cpu,
            &record.keccak,
            &record.io,
            &mut ByteRecord::new(),
            0,
        );
        let rows = cpu.ram.rows();
        let update = cpu.ram.memory_update();
        let groups = page::groups(&update)
            .into_iter()
            .map(|g| Group { page: g.page, dir: g.dir, words: Box::new(*g.words) })
            .collect();
        drop(cpu);
        Boundary { initial, installed_rows: rows.clone(), rows, groups, nodes: update.nodes }
    }

    /// Index of the RAM row of word `addr`.
    pub(crate) fn row_of(&self, addr: u32) -> usize {
        self.rows.iter().position(|r| r.addr == addr).expect("a row of that word")
    }

    /// Index of the group of `(page, dir)`.
    pub(crate) fn group_of(&self, page: u32, dir: u8) -> usize {
        self.groups.iter().position(|g| (g.page, g.dir) == (page, dir)).expect("a group")
    }

    /// Set word `addr`'s initial and final value in its RAM row and both its groups (the
    /// page chip hashes what the RAM chip sends); the tree is left as it was.
    pub(crate) fn set_word(&mut self, addr: u32, init: u32, final_value: u32) {
        let row = self.row_of(addr);
        self.rows[row].init = init;
        self.rows[row].final_value = final_value;
        let page = addr >> PAGE_WORDS_LOG;
        for (dir, value) in [(DIR_IN, init), (DIR_OUT, final_value)] {
            let g = self.group_of(page, dir);
            self.groups[g].words[addr as usize % PAGE_WORDS] = value;
        }
    }

    /// Recompute the Merkle nodes from the groups: the tree of `initial` with the `DIR_IN`
    /// pages written in is the tree before; the `DIR_OUT` pages replace them after.
    pub(crate) fn rehash_tree(&mut self) {
        let mut before = self.initial.clone();
        for g in self.groups.iter().filter(|g| g.dir == DIR_IN) {
            for (i, &w) in g.words.iter().enumerate() {
                before.set_word((g.page << PAGE_WORDS_LOG) + i as u32, w).unwrap();
            }
        }
        before.update_pages();
        let after: BTreeMap<u32, Box<[u32; PAGE_WORDS]>> = self
            .groups
            .iter()
            .filter(|g| g.dir == DIR_OUT)
            .map(|g| (g.page, g.words.clone()))
            .collect();
        self.nodes = before.update(after).unwrap().nodes;
    }

    /// Recompute every node's digests from its children, bottom up, and hand them to the
    /// node's parent row where that row marks the node touched (an untouched child's
    /// digests are the parent row's own; level-0 children are kept as they are).
    pub(crate) fn rechain_nodes(&mut self) {
        for i in (0..self.nodes.len()).rev() {
            let n = self.nodes[i];
            let (before, after) =
                (compress(n.left.before, n.right.before), compress(n.left.after, n.right.after));
            self.nodes[i].before = before;
            self.nodes[i].after = after;
            let parent =
                self.nodes.iter().position(|p| (p.level, p.index) == (n.level + 1, n.index >> 1));
            if let Some(p) = parent {
                let side = if n.index & 1 == 0 {
                    &mut self.nodes[p].left
                } else {
                    &mut self.nodes[p].right
                };
                if side.touched {
                    side.before = before;
                    side.after = after;
                }
            }
        }
    }

    /// Index of the node `(level, index)`.
    pub(crate) fn node_of(&self, level: usize, index: u32) -> usize {
        self.nodes.iter().position(|n| (n.level, n.index) == (level, index)).expect("a node")
    }

    /// Replace the run's RAM, page and Merkle traces and the Merkle public values by this
    /// boundary's; the byte table's multiplicities follow the RAM chip's requests.
    pub(crate) fn install(&mut self, run: &mut Run) {
        let (mut old, mut new) = (ByteRecord::new(), ByteRecord::new());
        let _ = ram::generate_trace::<F>(&self.installed_rows, &mut old);
        run.traces[RAM] = ram::generate_trace::<F>(&self.rows, &mut new);
        let (old, new) = (old.generate_trace::<F>(), new.generate_trace::<F>());
        for ((m, o), n) in run.traces[BYTE].values.iter_mut().zip(&old.values).zip(&new.values) {
            *m += *n - *o;
        }
        self.installed_rows = self.rows.clone();
        let groups: Vec<PageGroup<'_>> = self
            .groups
            .iter()
            .map(|g| PageGroup { page: g.page, dir: g.dir, words: &g.words })
            .collect();
        run.traces[PAGE] = page::generate_trace(&groups);
        let (trace, public_values) = merkle::generate_trace(&self.nodes);
        run.traces[MERKLE] = trace;
        run.public_values[MERKLE] = public_values;
    }
}

/// The digest of public values as `u32`s.
pub(crate) fn digest_of(values: &[F]) -> Digest {
    core::array::from_fn(|k| values[k].as_canonical_u64() as u32)
}
