//! The Merkle commitment to a shard's memory state (the RAM), natively.
//!
//! This is the specification the continuation boundary chips match in-circuit (the page
//! chip [`crate::chips::page`] and the Merkle chip [`crate::chips::merkle`]; see
//! "Continuations: the shard memory boundary" in `prover-node/machine/DESIGN.md`): a
//! shard's public values carry the root of its memory in and out. Registers are not in the
//! tree (they travel in the registers chip's public values).
//!
//! # Specification
//!
//! **State.** The RAM, addressed by *word address* (byte address / 4, below
//! [`WORD_ADDR_LIMIT`] = 2^29, so the whole 2 GiB below `MEMORY_END = 0x8000_0000` fits).
//! Every word is a `u32`; words never written are 0.
//!
//! **Pages and leaves.** The tree has depth [`TREE_DEPTH`] = 22, over leaf indices
//! `0 .. 2^22`, each leaf one page of [`PAGE_WORDS`] = 256 words (1 KiB):
//!
//! * leaf `p < 2^21` is RAM page `p`: words `256p .. 256p + 255`, in order;
//! * leaves `2^21 .. 2^22` are empty pages (all 0), always. Leaf [`RESERVED_LEAF`] = 2^21
//!   was once meant for the registers; it is reserved and stays empty.
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
/// The first leaf after the RAM pages: reserved, always an empty page (as every leaf from
/// it on).
pub const RESERVED_LEAF: u32 = RAM_PAGES;
/// Depth of the tree: leaves `0 .. 2^22`, the root at level 22.
pub const TREE_DEPTH: usize = 22;
/// Number of leaves (2^22; those from [`RESERVED_LEAF`] on are empty pages).
pub const NUM_LEAVES: u32 = 1 << TREE_DEPTH;
/// The page sponge's domain tag in `state[8]`: ASCII "page".
pub const PAGE_DOMAIN: u32 = u32::from_be_bytes(*b"page");
/// Elements of the state a block overwrites (the rate); also the digest's length.
pub const DIGEST_ELEMS: usize = 8;
/// Width of the Poseidon2 state.
pub const WIDTH: usize = 16;
/// Permutations (blocks of 4 words) per page hash.
pub const PAGE_BLOCKS: usize = PAGE_WORDS / (DIGEST_ELEMS / 2);

/// A page or node digest: 8 canonical KoalaBear values.
pub type Digest = [u32; DIGEST_ELEMS];

/// The root of the empty state (all words 0): `default[22]`.
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
    /// A page index is not below [`RAM_PAGES`].
    #[error("page {got:#x}, the limit is {max:#x} (exclusive)")]
    PageOutOfRange {
        /// [`RAM_PAGES`].
        max: u32,
        /// The page index.
        got: u32,
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
        self.page_with(words, |_| {})
    }

    /// The page hash, calling `absorb` with the input state of each of its 64
    /// permutations (block overwritten, capacity carried), in order.
    fn page_with(
        &self,
        words: &[u32; PAGE_WORDS],
        mut absorb: impl FnMut(&[KoalaBear; WIDTH]),
    ) -> Node {
        let mut state = [KoalaBear::ZERO; WIDTH];
        state[DIGEST_ELEMS] = KoalaBear::from_u32(PAGE_DOMAIN);
        for block in words.chunks_exact(DIGEST_ELEMS / 2) {
            for (pair, &word) in state.chunks_exact_mut(2).zip(block) {
                pair[0] = KoalaBear::from_u32(word & 0xffff);
                pair[1] = KoalaBear::from_u32(word >> 16);
            }
            absorb(&state);
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

/// The input states of the page hash's 64 permutations for each of `pages`, in order
/// (64 states per page, canonical values): what the page chip's rows permute.
pub fn page_sponge_states<'a>(
    pages: impl IntoIterator<Item = &'a [u32; PAGE_WORDS]>,
) -> Vec<[u32; WIDTH]> {
    let hasher = Hasher::new();
    let mut states = Vec::new();
    for words in pages {
        let _digest =
            hasher.page_with(words, |state| states.push(state.map(|e| e.as_canonical_u32())));
    }
    states
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

/// One page a shard touched: its contents and digest before and after the shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUpdate {
    /// The page (leaf) index, below [`RAM_PAGES`].
    pub page: u32,
    /// The words before.
    pub before: Box<[u32; PAGE_WORDS]>,
    /// The words after.
    pub after: Box<[u32; PAGE_WORDS]>,
    /// [`hash_page`] of `before`.
    pub before_digest: Digest,
    /// [`hash_page`] of `after`.
    pub after_digest: Digest,
}

/// A child of an internal node on the path of a touched page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildUpdate {
    /// Whether the child's subtree holds a touched page (otherwise `after == before`).
    pub touched: bool,
    /// The child's digest before.
    pub before: Digest,
    /// The child's digest after.
    pub after: Digest,
}

/// An internal node on the path of a touched page, with its children before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeUpdate {
    /// Its level, `1 ..= 22` (the root is level 22).
    pub level: usize,
    /// Its index at that level (below `2^(22 − level)`).
    pub index: u32,
    /// Node `2·index` at `level − 1`.
    pub left: ChildUpdate,
    /// Node `2·index + 1` at `level − 1`.
    pub right: ChildUpdate,
    /// `compress(left.before, right.before)`.
    pub before: Digest,
    /// `compress(left.after, right.after)`.
    pub after: Digest,
}

/// What one shard does to the memory tree: its touched pages, and every internal node on
/// their paths (the union of the paths, each node once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryUpdate {
    /// The root before.
    pub root_before: Digest,
    /// The root after.
    pub root_after: Digest,
    /// The touched pages, by increasing page.
    pub pages: Vec<PageUpdate>,
    /// The internal nodes on the touched pages' paths: the root first, then by decreasing
    /// level and increasing index. Just the root when no page is touched.
    pub nodes: Vec<NodeUpdate>,
}

/// A sparse memory state (the RAM) with its Merkle tree, updated incrementally.
///
/// Writes ([`Self::set_word`]) only mark their page dirty; [`Self::update_pages`] rehashes
/// the dirty pages and recomputes only their paths, and [`Self::root`] and [`Self::path`]
/// call it first. A shard's whole change is [`Self::update`] (computed without changing
/// the state) then [`Self::apply`]. Only touched pages and non-default nodes are stored.
#[derive(Clone)]
pub struct SparseMemory {
    hasher: Hasher,
    /// `default[l]`: the digest of an empty subtree of height `l`.
    defaults: [Node; TREE_DEPTH + 1],
    /// Pages holding a non-zero word, by page index.
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
    /// The empty state: all words 0.
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

    /// The state with these `(word address, value)` words (later pairs win).
    ///
    /// # Errors
    ///
    /// [`MemoryRootError::WordOutOfRange`] for a word address not below 2^29.
    pub fn from_words(
        words: impl IntoIterator<Item = (u32, u32)>,
    ) -> Result<Self, MemoryRootError> {
        let mut memory = Self::new();
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
        self.pages.get(&(addr >> PAGE_WORDS_LOG)).map_or(0, |page| page[addr as usize % PAGE_WORDS])
    }

    /// The words of page `page` (all 0 if none was written or it is out of range).
    pub fn page(&self, page: u32) -> Box<[u32; PAGE_WORDS]> {
        self.pages.get(&page).cloned().unwrap_or_else(|| Box::new([0; PAGE_WORDS]))
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
        if self.word(addr) == value {
            return Ok(());
        }
        let leaf = addr >> PAGE_WORDS_LOG;
        self.pages.entry(leaf).or_insert_with(|| Box::new([0; PAGE_WORDS]))
            [addr as usize % PAGE_WORDS] = value;
        self.dirty.insert(leaf);
        Ok(())
    }

    /// The digest of leaf `leaf`'s page from its current contents (an empty page for a
    /// page never written, and for every leaf from [`RESERVED_LEAF`] on).
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

    /// Whether every write has been hashed into the tree (no page is dirty).
    pub fn is_clean(&self) -> bool {
        self.dirty.is_empty()
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

    /// What replacing the contents of the pages `after` (page index → new words; the
    /// touched pages of a shard) does to the tree, without changing the state: every
    /// touched page before and after, and every internal node on their paths with both
    /// children before and after (an untouched child is the same digest on both sides).
    ///
    /// 1. Level 0: each touched page's digest before is the stored one, after is the hash of
    ///    its new words.
    /// 2. Level by level up to the root: the parents of the touched nodes, their children
    ///    before (stored or default) and after (recomputed if touched, else as before), and
    ///    their own digests.
    ///
    /// Cost: one page hash per touched page and one compression per node on the paths.
    ///
    /// # Errors
    ///
    /// [`MemoryRootError::PageOutOfRange`] for a page not below [`RAM_PAGES`].
    ///
    /// # Panics
    ///
    /// If a write is not hashed in yet (call [`Self::update_pages`] first).
    pub fn update(
        &self,
        after: BTreeMap<u32, Box<[u32; PAGE_WORDS]>>,
    ) -> Result<MemoryUpdate, MemoryRootError> {
        assert!(self.is_clean(), "update_pages must run before update");
        if let Some((&page, _)) = after.range(RAM_PAGES..).next() {
            return Err(MemoryRootError::PageOutOfRange { max: RAM_PAGES, got: page });
        }
        let mut pages = Vec::with_capacity(after.len());
        // The after-digests of the touched nodes of the current level.
        let mut touched: BTreeMap<u32, Node> = BTreeMap::new();
        for (page, words) in after {
            let after_node = self.hasher.page(&words);
            touched.insert(page, after_node);
            pages.push(PageUpdate {
                page,
                before: self.page(page),
                after: words,
                before_digest: to_digest(self.node(0, page)),
                after_digest: to_digest(after_node),
            });
        }
        let mut levels: Vec<Vec<NodeUpdate>> = Vec::with_capacity(TREE_DEPTH);
        for level in 0..TREE_DEPTH {
            let mut parents: BTreeMap<u32, Node> = BTreeMap::new();
            let mut nodes = Vec::new();
            let parent_indices: BTreeSet<u32> = touched.keys().map(|&i| i >> 1).collect();
            for index in parent_indices {
                let child = |i: u32| {
                    let before = self.node(level, i);
                    let after = touched.get(&i).copied();
                    (after.is_some(), before, after.unwrap_or(before))
                };
                let (lt, lb, la) = child(2 * index);
                let (rt, rb, ra) = child(2 * index + 1);
                let after_node = self.hasher.node(la, ra);
                let before_node = self.node(level + 1, index);
                debug_assert_eq!(before_node, self.hasher.node(lb, rb), "stale tree");
                parents.insert(index, after_node);
                let side = |touched, before, after| ChildUpdate {
                    touched,
                    before: to_digest(before),
                    after: to_digest(after),
                };
                nodes.push(NodeUpdate {
                    level: level + 1,
                    index,
                    left: side(lt, lb, la),
                    right: side(rt, rb, ra),
                    before: to_digest(before_node),
                    after: to_digest(after_node),
                });
            }
            levels.push(nodes);
            touched = parents;
        }
        let root_before = to_digest(self.node(TREE_DEPTH, 0));
        let mut nodes: Vec<NodeUpdate> = levels.into_iter().rev().flatten().collect();
        if nodes.is_empty() {
            // No page touched: the root alone, both children untouched.
            let side = |level: usize, i: u32| {
                let d = to_digest(self.node(level, i));
                ChildUpdate { touched: false, before: d, after: d }
            };
            nodes.push(NodeUpdate {
                level: TREE_DEPTH,
                index: 0,
                left: side(TREE_DEPTH - 1, 0),
                right: side(TREE_DEPTH - 1, 1),
                before: root_before,
                after: root_before,
            });
        }
        let root_after = nodes[0].after;
        Ok(MemoryUpdate { root_before, root_after, pages, nodes })
    }

    /// Apply an update computed by [`Self::update`] on this state: the touched pages take
    /// their new words, the nodes on their paths their new digests (nothing is rehashed).
    ///
    /// # Panics
    ///
    /// If `update` was not computed on this state (its root before is not the root).
    pub fn apply(&mut self, update: MemoryUpdate) {
        assert!(self.is_clean(), "update_pages must run before apply");
        assert_eq!(
            to_digest(self.node(TREE_DEPTH, 0)),
            update.root_before,
            "the update is not of this state"
        );
        let node = |d: Digest| d.map(KoalaBear::from_u32);
        for page in update.pages {
            if page.after.iter().all(|&w| w == 0) {
                self.pages.remove(&page.page);
            } else {
                self.pages.insert(page.page, page.after);
            }
            self.set_node(0, page.page, node(page.after_digest));
        }
        for n in update.nodes {
            self.set_node(n.level, n.index, node(n.after));
        }
    }
}

#[cfg(test)]
mod tests;
