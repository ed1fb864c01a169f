//! The Merkle commitment to a shard's memory state (registers and RAM), natively.
//!
//! This is the specification the continuation boundary chips (a page chip and a Poseidon2
//! Merkle chip, see "Next: continuations" in `prover-node/machine/DESIGN.md`) will match
//! in-circuit: a shard's public values carry the root of its state in and out.
//!
//! # Specification
//!
//! **State.** 32 registers and the RAM, addressed by *word address* (byte address / 4,
//! below [`WORD_ADDR_LIMIT`] = 2^29, so the whole 2 GiB below `MEMORY_END = 0x8000_0000`
//! fits). Every word is a `u32`; words never written are 0.
//!
//! **Pages and leaves.** The tree has depth [`TREE_DEPTH`] = 22, over leaf indices
//! `0 .. 2^22`, each leaf one page of [`PAGE_WORDS`] = 256 words (1 KiB):
//!
//! * leaf `p < 2^21` is RAM page `p`: words `256p .. 256p + 255`, in order;
//! * leaf [`REGISTER_LEAF`] = 2^21 is the register page: word `i < 32` is register `xi`,
//!   words `32 .. 256` are 0 (`x0` is hashed as given; the machine keeps it 0);
//! * leaves `2^21 + 1 .. 2^22` are empty pages (all 0).
//!
//! **Page hash.** Poseidon2 of width 16 over KoalaBear with the `p3-koala-bear` default
//! constants (`default_koalabear_poseidon2_16()`, the permutation of [`crate::io_digest`]),
//! as an overwrite-mode sponge of rate 8 and capacity 8:
//!
//! 1. The state starts all zero except `state[8] = PAGE_DOMAIN` (`0x7061_6765`, ASCII
//!    "page"; at least 2^24, so no I/O stream sponge, whose `state[8]` is a length below
//!    2^24, starts from the same state).
//! 2. The page's 256 words become 512 elements, each word as its 16-bit halves `lo, hi`
//!    (`w & 0xffff`, `w >> 16`): element `2i` is word `i`'s low half, `2i + 1` its high half.
//! 3. For each of the 64 blocks of 8 elements (4 words) in order: `state[0..8] = block`
//!    (overwrite), then `state = Poseidon2(state)`.
//! 4. The page's digest is `state[0..8]` after the 64th permutation.
//!
//! **Node hash.** `node = compress(left, right)` is the first 8 elements of
//! `Poseidon2(left ‖ right)`, with no feed-forward (the input is *not* added back):
//! exactly `p3_symmetric::TruncatedPermutation<Perm, 2, 8, 16>`, the Merkle `Compress` of
//! the STARK configuration (`zkvm-stark`'s `config::default::Compress`), so a chip can
//! reuse the configuration's compression. Node `i` at level `l + 1` is
//! `compress(node 2i at level l, node 2i + 1 at level l)`; level 0 holds the page digests,
//! level 22 the root. A node hash has no domain tag (its whole input is the two children);
//! leaves and nodes are told apart by position, every path having exactly 22 siblings.
//!
//! **Empty subtrees.** `default[0]` is the all-zero page's digest and
//! `default[l + 1] = compress(default[l], default[l])`; an untouched subtree of height `l`
//! has digest `default[l]`, so the empty state's root is `default[22]`
//! ([`EMPTY_ROOT`] pins its value).
//!
//! **Digests** are 8 canonical KoalaBear values (each below `2^31 − 2^24 + 1`) as `u32`.
//! A Merkle path is the 22 sibling digests from the leaf's sibling up to the root's child.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::{KoalaBear, Poseidon2KoalaBear, default_koalabear_poseidon2_16};
use p3_symmetric::{Permutation, PseudoCompressionFunction, TruncatedPermutation};

/// Words per page (one leaf of the tree): 256 words, 1 KiB.
pub const PAGE_WORDS: usize = 256;
/// `log2(PAGE_WORDS)`.
pub const PAGE_WORDS_LOG: u32 = 8;
/// Word addresses are below this (2^29: byte addresses below `MEMORY_END = 2^31`).
pub const WORD_ADDR_LIMIT: u32 = 1 << 29;
/// Number of RAM pages (2^21); RAM page `p` is leaf `p`.
pub const RAM_PAGES: u32 = WORD_ADDR_LIMIT >> PAGE_WORDS_LOG;
/// The leaf of the register page, right after the RAM pages.
pub const REGISTER_LEAF: u32 = RAM_PAGES;
/// Number of registers (the first words of the register page).
pub const NUM_REGISTERS: usize = 32;
/// Depth of the tree: leaves `0 .. 2^22`, the root at level 22.
pub const TREE_DEPTH: usize = 22;
/// Number of leaves (2^22; those above [`REGISTER_LEAF`] are empty pages).
pub const NUM_LEAVES: u32 = 1 << TREE_DEPTH;
/// The page sponge's domain tag in `state[8]`: ASCII "page".
pub const PAGE_DOMAIN: u32 = u32::from_be_bytes(*b"page");
/// Elements of the state a block overwrites (the rate); also the digest's length.
pub const DIGEST_ELEMS: usize = 8;
/// Width of the Poseidon2 state.
const WIDTH: usize = 16;

/// A page or node digest: 8 canonical KoalaBear values.
pub type Digest = [u32; DIGEST_ELEMS];

/// The root of the empty state (all registers and words 0): `default[22]`.
///
/// Pinned by a known-answer test so the specification cannot drift silently.
pub const EMPTY_ROOT: Digest =
    [663197494, 1783420396, 1204279219, 1774402967, 521820935, 637709948, 1240039347, 936488341];

/// A digest as field elements (internal form).
type Node = [KoalaBear; DIGEST_ELEMS];
/// The node compression: the STARK configuration's Merkle `Compress`.
type Compress = TruncatedPermutation<Poseidon2KoalaBear<WIDTH>, 2, DIGEST_ELEMS, WIDTH>;

/// Why a state cannot be built or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemoryRootError {
    /// A word address is not below [`WORD_ADDR_LIMIT`].
    #[error("word address {got:#x}, the limit is {max:#x} (exclusive)")]
    WordOutOfRange {
        /// [`WORD_ADDR_LIMIT`].
        max: u32,
        /// The word address.
        got: u32,
    },
    /// A register index is not below [`NUM_REGISTERS`].
    #[error("register {got}, there are {max}")]
    RegisterOutOfRange {
        /// [`NUM_REGISTERS`].
        max: usize,
        /// The register index.
        got: usize,
    },
}

/// The 22 sibling digests of a leaf, bottom up (`siblings[0]` is the leaf's sibling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerklePath {
    /// Sibling digest at each level `0 .. 22`.
    pub siblings: [Digest; TREE_DEPTH],
}

/// The two Poseidon2 functions of the tree.
#[derive(Clone)]
struct Hasher {
    permutation: Poseidon2KoalaBear<WIDTH>,
    compress: Compress,
}

impl Hasher {
    fn new() -> Self {
        let permutation = default_koalabear_poseidon2_16();
        Self { compress: Compress::new(permutation.clone()), permutation }
    }

    fn page(&self, words: &[u32; PAGE_WORDS]) -> Node {
        let mut state = [KoalaBear::ZERO; WIDTH];
        state[DIGEST_ELEMS] = KoalaBear::from_u32(PAGE_DOMAIN);
        for block in words.chunks_exact(DIGEST_ELEMS / 2) {
            for (pair, &word) in state.chunks_exact_mut(2).zip(block) {
                pair[0] = KoalaBear::from_u32(word & 0xffff);
                pair[1] = KoalaBear::from_u32(word >> 16);
            }
            self.permutation.permute_mut(&mut state);
        }
        core::array::from_fn(|k| state[k])
    }

    fn node(&self, left: Node, right: Node) -> Node {
        self.compress.compress([left, right])
    }

    /// `default[l]` for `l = 0 ..= 22`.
    fn defaults(&self) -> [Node; TREE_DEPTH + 1] {
        let mut defaults = [self.page(&[0; PAGE_WORDS]); TREE_DEPTH + 1];
        for l in 0..TREE_DEPTH {
            defaults[l + 1] = self.node(defaults[l], defaults[l]);
        }
        defaults
    }
}

fn to_digest(node: Node) -> Digest {
    node.map(|e| e.as_canonical_u32())
}

/// The digest's elements, or `None` if one is not canonical.
fn from_digest(digest: Digest) -> Option<Node> {
    digest.iter().all(|&v| v < KoalaBear::ORDER_U32).then(|| digest.map(KoalaBear::from_u32))
}

/// The digest of one page's words (the page hash of the module docs).
pub fn hash_page(words: &[u32; PAGE_WORDS]) -> Digest {
    to_digest(Hasher::new().page(words))
}

/// The node hash of the module docs: `compress(left ‖ right)`.
///
/// Non-canonical inputs are reduced; [`verify_path`] rejects them before compressing.
pub fn compress(left: Digest, right: Digest) -> Digest {
    let hasher = Hasher::new();
    to_digest(hasher.node(left.map(KoalaBear::from_u32), right.map(KoalaBear::from_u32)))
}

/// The digests of empty subtrees: `default[l]` for heights `l = 0 ..= 22`.
pub fn default_digests() -> [Digest; TREE_DEPTH + 1] {
    Hasher::new().defaults().map(to_digest)
}

/// Whether `path` leads from `leaf_hash` at `leaf_index` to `root`.
///
/// False (never a panic) for a leaf index not below 2^22 or a non-canonical digest value.
#[must_use]
pub fn verify_path(leaf_index: u32, leaf_hash: Digest, path: &MerklePath, root: Digest) -> bool {
    if leaf_index >= NUM_LEAVES {
        return false;
    }
    let (Some(mut node), Some(root)) = (from_digest(leaf_hash), from_digest(root)) else {
        return false;
    };
    let hasher = Hasher::new();
    for (level, &sibling) in path.siblings.iter().enumerate() {
        let Some(sibling) = from_digest(sibling) else {
            return false;
        };
        node = if (leaf_index >> level) & 1 == 0 {
            hasher.node(node, sibling)
        } else {
            hasher.node(sibling, node)
        };
    }
    node == root
}

/// A sparse memory state (registers and RAM) with its Merkle tree, updated incrementally.
///
/// Writes ([`Self::set_word`], [`Self::set_register`]) only mark their page dirty;
/// [`Self::update_pages`] rehashes the dirty pages and recomputes only their paths, and
/// [`Self::root`] and [`Self::path`] call it first. Only touched pages and non-default
/// nodes are stored.
#[derive(Clone)]
pub struct SparseMemory {
    hasher: Hasher,
    /// `default[l]`: the digest of an empty subtree of height `l`.
    defaults: [Node; TREE_DEPTH + 1],
    /// Touched pages by leaf index (RAM pages and the register page).
    pages: BTreeMap<u32, Box<[u32; PAGE_WORDS]>>,
    /// `levels[l]`: the nodes at level `l` that differ from `default[l]` (level 0: pages).
    levels: Vec<BTreeMap<u32, Node>>,
    /// Pages written since the last [`Self::update_pages`].
    dirty: BTreeSet<u32>,
}

impl Default for SparseMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for SparseMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SparseMemory")
            .field("pages", &self.pages.len())
            .field("dirty", &self.dirty.len())
            .finish_non_exhaustive()
    }
}

impl SparseMemory {
    /// The empty state: all registers and words 0.
    pub fn new() -> Self {
        let hasher = Hasher::new();
        let defaults = hasher.defaults();
        Self {
            hasher,
            defaults,
            pages: BTreeMap::new(),
            levels: (0..=TREE_DEPTH).map(|_| BTreeMap::new()).collect(),
            dirty: BTreeSet::new(),
        }
    }

    /// The state with these registers and `(word address, value)` words (later pairs win).
    ///
    /// # Errors
    ///
    /// [`MemoryRootError::WordOutOfRange`] for a word address not below 2^29.
    pub fn from_words(
        registers: &[u32; NUM_REGISTERS],
        words: impl IntoIterator<Item = (u32, u32)>,
    ) -> Result<Self, MemoryRootError> {
        let mut memory = Self::new();
        for (i, &value) in registers.iter().enumerate() {
            memory.set_register(i, value)?;
        }
        for (addr, value) in words {
            memory.set_word(addr, value)?;
        }
        memory.update_pages();
        Ok(memory)
    }

    /// The word at a word address (0 if never written or out of range).
    pub fn word(&self, addr: u32) -> u32 {
        if addr >= WORD_ADDR_LIMIT {
            return 0;
        }
        self.read(addr >> PAGE_WORDS_LOG, addr as usize % PAGE_WORDS)
    }

    /// Register `index` (0 if out of range).
    pub fn register(&self, index: usize) -> u32 {
        if index >= NUM_REGISTERS {
            return 0;
        }
        self.read(REGISTER_LEAF, index)
    }

    /// Writes the word at a word address; its page is rehashed on the next update.
    ///
    /// # Errors
    ///
    /// [`MemoryRootError::WordOutOfRange`] for a word address not below 2^29.
    pub fn set_word(&mut self, addr: u32, value: u32) -> Result<(), MemoryRootError> {
        if addr >= WORD_ADDR_LIMIT {
            return Err(MemoryRootError::WordOutOfRange { max: WORD_ADDR_LIMIT, got: addr });
        }
        self.write(addr >> PAGE_WORDS_LOG, addr as usize % PAGE_WORDS, value);
        Ok(())
    }

    /// Writes register `index`; the register page is rehashed on the next update.
    ///
    /// # Errors
    ///
    /// [`MemoryRootError::RegisterOutOfRange`] for an index not below 32.
    pub fn set_register(&mut self, index: usize, value: u32) -> Result<(), MemoryRootError> {
        if index >= NUM_REGISTERS {
            return Err(MemoryRootError::RegisterOutOfRange { max: NUM_REGISTERS, got: index });
        }
        self.write(REGISTER_LEAF, index, value);
        Ok(())
    }

    fn read(&self, leaf: u32, offset: usize) -> u32 {
        self.pages.get(&leaf).map_or(0, |page| page[offset])
    }

    fn write(&mut self, leaf: u32, offset: usize, value: u32) {
        if self.read(leaf, offset) == value {
            return;
        }
        self.pages.entry(leaf).or_insert_with(|| Box::new([0; PAGE_WORDS]))[offset] = value;
        self.dirty.insert(leaf);
    }

    /// The digest of leaf `leaf`'s page from its current contents (RAM page `p < 2^21`,
    /// the register page at [`REGISTER_LEAF`], or an empty page).
    pub fn page_hash(&self, leaf: u32) -> Digest {
        to_digest(self.hash_leaf(leaf))
    }

    fn hash_leaf(&self, leaf: u32) -> Node {
        self.pages.get(&leaf).map_or(self.defaults[0], |page| self.hasher.page(page))
    }

    fn node(&self, level: usize, index: u32) -> Node {
        self.levels[level].get(&index).copied().unwrap_or(self.defaults[level])
    }

    fn set_node(&mut self, level: usize, index: u32, node: Node) {
        if node == self.defaults[level] {
            self.levels[level].remove(&index);
        } else {
            self.levels[level].insert(index, node);
        }
    }

    /// Rehashes the pages written since the last update and recomputes only their paths
    /// (a node shared by several paths once); returns how many pages were rehashed.
    ///
    /// 1. Each dirty page is rehashed into level 0; a page back to all zero is dropped.
    /// 2. Level by level, the parents of the changed nodes are recomputed from their two
    ///    children (stored or default), up to the root.
    pub fn update_pages(&mut self) -> usize {
        let dirty = core::mem::take(&mut self.dirty);
        for &leaf in &dirty {
            let node = self.hash_leaf(leaf);
            if self.pages.get(&leaf).is_some_and(|page| page.iter().all(|&w| w == 0)) {
                self.pages.remove(&leaf);
            }
            self.set_node(0, leaf, node);
        }
        let mut changed = dirty.clone();
        for level in 0..TREE_DEPTH {
            let parents: BTreeSet<u32> = changed.iter().map(|&i| i >> 1).collect();
            for &parent in &parents {
                let left = self.node(level, 2 * parent);
                let right = self.node(level, 2 * parent + 1);
                let node = self.hasher.node(left, right);
                self.set_node(level + 1, parent, node);
            }
            changed = parents;
        }
        dirty.len()
    }

    /// The root of the current state (after [`Self::update_pages`]).
    pub fn root(&mut self) -> Digest {
        self.update_pages();
        to_digest(self.node(TREE_DEPTH, 0))
    }

    /// The root recomputed from the page contents alone, ignoring the stored tree: the
    /// reference [`Self::root`]'s incremental updates are checked against.
    pub fn recompute_root(&self) -> Digest {
        let mut level: BTreeMap<u32, Node> =
            self.pages.iter().map(|(&leaf, page)| (leaf, self.hasher.page(page))).collect();
        for height in 0..TREE_DEPTH {
            let default = self.defaults[height];
            let mut parents = BTreeMap::new();
            for &index in level.keys() {
                let parent = index >> 1;
                if parents.contains_key(&parent) {
                    continue;
                }
                let child = |i: u32| level.get(&i).copied().unwrap_or(default);
                parents.insert(parent, self.hasher.node(child(2 * parent), child(2 * parent + 1)));
            }
            level = parents;
        }
        to_digest(level.get(&0).copied().unwrap_or(self.defaults[TREE_DEPTH]))
    }

    /// The Merkle path of leaf `leaf` (after [`Self::update_pages`]); leaf indices at or
    /// above 2^22 are taken modulo 2^22.
    pub fn path(&mut self, leaf: u32) -> MerklePath {
        self.update_pages();
        let leaf = leaf % NUM_LEAVES;
        MerklePath {
            siblings: core::array::from_fn(|level| {
                to_digest(self.node(level, (leaf >> level) ^ 1))
            }),
        }
    }
}

#[cfg(test)]
mod tests;
