//! A sparse Merkle-Patricia trie over a witness of hashed nodes.
//!
//! The trie starts as a single blinded node (the root hash). Every time an operation walks
//! into a blinded node, the node is looked up in the [`NodeStore`] *by its keccak hash*, so a
//! node can only be used where its parent committed to it: the witness is verified by
//! construction, from the root down, one hash at a time. A walk that needs a node the
//! witness does not hold fails with [`TrieError::MissingNode`] — never a silent zero.
//!
//! Keys are nibble paths (for the state and storage tries: the 64 nibbles of a keccak hash);
//! values are the raw leaf payload (RLP of the account or of the storage value). Branch
//! values are not supported (they never occur in Ethereum's state tries).

use crate::error::rlp_reason;
use alloc::{boxed::Box, sync::Arc, vec::Vec};
use alloy_primitives::{B256, keccak256, map::B256Map};
use alloy_rlp::{Decodable, EMPTY_STRING_CODE};
use alloy_trie::{
    EMPTY_ROOT_HASH, Nibbles, TrieMask,
    nodes::{BranchNode, ExtensionNode, LeafNode, RlpNode, TrieNode},
};

/// Errors of the sparse trie. Each carries the node hash or path it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    /// A walk reached a node that the witness does not contain.
    #[error("incomplete witness: trie node {0} is not in the witness")]
    MissingNode(B256),
    /// A witness node did not decode as a trie node.
    #[error("malformed trie node {hash}: {reason}")]
    MalformedNode {
        /// keccak of the node bytes
        hash: B256,
        /// decoder message
        reason: &'static str,
    },
    /// An embedded (inline) child node did not decode.
    #[error("malformed embedded trie node: {0}")]
    MalformedEmbedded(&'static str),
    /// A node's structure is impossible in a canonical trie (e.g. a branch with one child,
    /// a leaf whose path overruns the key length).
    #[error("non-canonical trie structure: {0}")]
    NonCanonical(&'static str),
}

/// Witness nodes, indexed by keccak256 of their RLP encoding.
///
/// Building the index hashes every node once; lookups are then by hash, so only nodes that
/// hash to what a parent commits to are ever used.
#[derive(Debug, Default, Clone)]
pub struct NodeStore {
    nodes: Arc<B256Map<Vec<u8>>>,
}

impl NodeStore {
    /// Indexes `nodes` by their keccak256 hash.
    pub fn new<I, T>(nodes: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut map = B256Map::default();
        for n in nodes {
            let n = n.as_ref();
            map.insert(keccak256(n), n.to_vec());
        }
        Self { nodes: Arc::new(map) }
    }

    /// Adds one node.
    pub fn insert(&mut self, node: &[u8]) {
        Arc::make_mut(&mut self.nodes).insert(keccak256(node), node.to_vec());
    }

    /// Number of distinct nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the store holds no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn get(&self, hash: &B256) -> Option<&[u8]> {
        self.nodes.get(hash).map(Vec::as_slice)
    }
}

/// One node of the in-memory trie.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Empty,
    /// Not yet resolved: only the hash is known.
    Blinded(B256),
    Leaf(Nibbles, Vec<u8>),
    Extension(Nibbles, Box<Node>),
    Branch(Box<[Node; 16]>),
}

fn empty_children() -> Box<[Node; 16]> {
    Box::new(core::array::from_fn(|_| Node::Empty))
}

/// A sparse MPT: resolved where operations walked, blinded (hash only) elsewhere.
#[derive(Debug, Clone)]
pub struct SparseTrie {
    root: Node,
}

impl Default for SparseTrie {
    fn default() -> Self {
        Self::empty()
    }
}

impl SparseTrie {
    /// The empty trie.
    pub fn empty() -> Self {
        Self { root: Node::Empty }
    }

    /// A trie known only by its root hash; nodes come from a [`NodeStore`] as needed.
    pub fn from_root(root: B256) -> Self {
        if root == EMPTY_ROOT_HASH { Self::empty() } else { Self { root: Node::Blinded(root) } }
    }

    /// Looks up `key`; `Ok(None)` means the witness *proves* the key is absent.
    pub fn get(&mut self, store: &NodeStore, key: &Nibbles) -> Result<Option<&[u8]>, TrieError> {
        let mut node = &mut self.root;
        let mut pos = 0usize;
        loop {
            resolve(node, store)?;
            match node {
                Node::Empty => return Ok(None),
                Node::Blinded(_) => unreachable!("resolved above"),
                Node::Leaf(path, value) => {
                    return Ok(if key_rest_eq(key, pos, path) {
                        Some(value.as_slice())
                    } else {
                        None
                    });
                }
                Node::Extension(path, child) => {
                    if !key_has_prefix(key, pos, path) {
                        return Ok(None);
                    }
                    pos += path.len();
                    node = child.as_mut();
                }
                Node::Branch(children) => {
                    if pos >= key.len() {
                        return Err(TrieError::NonCanonical("key ends at a branch"));
                    }
                    let nib = key.get_unchecked(pos) as usize;
                    pos += 1;
                    node = &mut children[nib];
                }
            }
        }
    }

    /// Sets `key` to `value` (non-empty).
    pub fn insert(
        &mut self,
        store: &NodeStore,
        key: &Nibbles,
        value: Vec<u8>,
    ) -> Result<(), TrieError> {
        debug_assert!(!value.is_empty(), "empty values are deletions");
        insert(&mut self.root, store, key, 0, value)
    }

    /// Removes `key` if present, collapsing branches as Ethereum's trie requires. A collapse
    /// may need the sibling of the removed leaf: that sibling must be in the witness.
    pub fn remove(&mut self, store: &NodeStore, key: &Nibbles) -> Result<(), TrieError> {
        remove(&mut self.root, store, key, 0)
    }

    /// The root hash (keccak of the root node's RLP; the empty root for an empty trie).
    pub fn root(&self) -> B256 {
        match &self.root {
            Node::Empty => EMPTY_ROOT_HASH,
            Node::Blinded(h) => *h,
            node => {
                let mut buf = Vec::new();
                let rlp = encode_node(node, &mut buf);
                // The root is always hashed, even when its encoding is shorter than 32 bytes.
                rlp.as_hash().unwrap_or_else(|| keccak256(&buf))
            }
        }
    }

    /// Every resolved node's RLP encoding (embedded nodes excluded, as they are not
    /// separately addressable). Used to produce witnesses from a fully built trie.
    pub fn encoded_nodes(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        collect_nodes(&self.root, &mut out, true);
        out
    }
}

fn key_rest_eq(key: &Nibbles, pos: usize, path: &Nibbles) -> bool {
    key.len() == pos + path.len() && key_has_prefix(key, pos, path)
}

fn key_has_prefix(key: &Nibbles, pos: usize, path: &Nibbles) -> bool {
    if key.len() < pos + path.len() {
        return false;
    }
    (0..path.len()).all(|i| key.get_unchecked(pos + i) == path.get_unchecked(i))
}

fn common_prefix(key: &Nibbles, pos: usize, path: &Nibbles) -> usize {
    let max = path.len().min(key.len() - pos);
    (0..max).take_while(|&i| key.get_unchecked(pos + i) == path.get_unchecked(i)).count()
}

fn slice(n: &Nibbles, from: usize, to: usize) -> Nibbles {
    n.slice(from..to)
}

/// Replaces a blinded node by its decoded form (looked up by hash in the store).
fn resolve(node: &mut Node, store: &NodeStore) -> Result<(), TrieError> {
    if let Node::Blinded(hash) = node {
        let hash = *hash;
        let bytes = store.get(&hash).ok_or(TrieError::MissingNode(hash))?;
        *node = decode_node(bytes).map_err(|reason| TrieError::MalformedNode { hash, reason })?;
    }
    Ok(())
}

fn decode_node(mut bytes: &[u8]) -> Result<Node, &'static str> {
    let node = TrieNode::decode(&mut bytes).map_err(rlp_reason)?;
    if !bytes.is_empty() {
        return Err("trailing bytes after node");
    }
    from_trie_node(node)
}

fn from_trie_node(node: TrieNode) -> Result<Node, &'static str> {
    Ok(match node {
        TrieNode::EmptyRoot => Node::Empty,
        TrieNode::Leaf(leaf) => Node::Leaf(leaf.key, leaf.value),
        TrieNode::Extension(ext) => {
            if ext.key.is_empty() {
                return Err("extension with empty path");
            }
            Node::Extension(ext.key, Box::new(child_from_rlp(&ext.child)?))
        }
        TrieNode::Branch(branch) => {
            let mut children = empty_children();
            let mut stack = branch.stack.iter();
            let mut count = 0;
            for (i, child) in children.iter_mut().enumerate() {
                if branch.state_mask.is_bit_set(i as u8) {
                    let rlp = stack.next().ok_or("branch mask/stack mismatch")?;
                    *child = child_from_rlp(rlp)?;
                    count += 1;
                }
            }
            if count < 2 {
                return Err("branch with fewer than two children");
            }
            Node::Branch(children)
        }
    })
}

/// A child reference: a 32-byte hash (blinded) or an embedded node (< 32 bytes of RLP).
fn child_from_rlp(rlp: &RlpNode) -> Result<Node, &'static str> {
    if let Some(hash) = rlp.as_hash() {
        return Ok(Node::Blinded(hash));
    }
    let mut bytes: &[u8] = rlp.as_ref();
    if bytes.len() >= 32 {
        return Err("embedded node of 32 bytes or more");
    }
    let node = TrieNode::decode(&mut bytes).map_err(rlp_reason)?;
    if !bytes.is_empty() {
        return Err("trailing bytes in embedded node");
    }
    if matches!(node, TrieNode::EmptyRoot) {
        return Err("empty embedded node");
    }
    from_trie_node(node)
}

fn insert(
    node: &mut Node,
    store: &NodeStore,
    key: &Nibbles,
    pos: usize,
    value: Vec<u8>,
) -> Result<(), TrieError> {
    resolve(node, store)?;
    match node {
        Node::Empty => {
            *node = Node::Leaf(slice(key, pos, key.len()), value);
        }
        Node::Blinded(_) => unreachable!("resolved above"),
        Node::Leaf(path, old) => {
            if key_rest_eq(key, pos, path) {
                *old = value;
                return Ok(());
            }
            let common = common_prefix(key, pos, path);
            if common == path.len() || pos + common == key.len() {
                return Err(TrieError::NonCanonical("keys of different lengths"));
            }
            let mut children = empty_children();
            let old_nib = path.get_unchecked(common) as usize;
            let old_leaf = Node::Leaf(slice(path, common + 1, path.len()), core::mem::take(old));
            children[old_nib] = old_leaf;
            let new_nib = key.get_unchecked(pos + common) as usize;
            children[new_nib] = Node::Leaf(slice(key, pos + common + 1, key.len()), value);
            let branch = Node::Branch(children);
            *node = if common > 0 {
                Node::Extension(slice(key, pos, pos + common), Box::new(branch))
            } else {
                branch
            };
        }
        Node::Extension(path, child) => {
            let common = common_prefix(key, pos, path);
            if common == path.len() {
                return insert(child, store, key, pos + common, value);
            }
            if pos + common == key.len() {
                return Err(TrieError::NonCanonical("keys of different lengths"));
            }
            // Split the extension at the first differing nibble.
            let mut children = empty_children();
            let ext_nib = path.get_unchecked(common) as usize;
            let rest = slice(path, common + 1, path.len());
            let old_child = core::mem::replace(child.as_mut(), Node::Empty);
            children[ext_nib] = if rest.is_empty() {
                old_child
            } else {
                Node::Extension(rest, Box::new(old_child))
            };
            let new_nib = key.get_unchecked(pos + common) as usize;
            children[new_nib] = Node::Leaf(slice(key, pos + common + 1, key.len()), value);
            let branch = Node::Branch(children);
            *node = if common > 0 {
                Node::Extension(slice(path, 0, common), Box::new(branch))
            } else {
                branch
            };
        }
        Node::Branch(children) => {
            if pos >= key.len() {
                return Err(TrieError::NonCanonical("key ends at a branch"));
            }
            let nib = key.get_unchecked(pos) as usize;
            return insert(&mut children[nib], store, key, pos + 1, value);
        }
    }
    Ok(())
}

fn remove(node: &mut Node, store: &NodeStore, key: &Nibbles, pos: usize) -> Result<(), TrieError> {
    resolve(node, store)?;
    match node {
        Node::Empty => {}
        Node::Blinded(_) => unreachable!("resolved above"),
        Node::Leaf(path, _) => {
            if key_rest_eq(key, pos, path) {
                *node = Node::Empty;
            }
        }
        Node::Extension(path, child) => {
            if !key_has_prefix(key, pos, path) {
                return Ok(());
            }
            remove(child, store, key, pos + path.len())?;
            // Merge the extension with what its child became.
            match core::mem::replace(child.as_mut(), Node::Empty) {
                Node::Empty => *node = Node::Empty,
                Node::Leaf(p, v) => *node = Node::Leaf(path.join(&p), v),
                Node::Extension(p, c) => *node = Node::Extension(path.join(&p), c),
                other => **child = other,
            }
        }
        Node::Branch(children) => {
            if pos >= key.len() {
                return Err(TrieError::NonCanonical("key ends at a branch"));
            }
            let nib = key.get_unchecked(pos) as usize;
            remove(&mut children[nib], store, key, pos + 1)?;
            let mut remaining = children.iter().enumerate().filter(|(_, c)| **c != Node::Empty);
            let (only, _) = match (remaining.next(), remaining.next()) {
                (Some(first), None) => first,
                _ => return Ok(()),
            };
            // One child left: the branch collapses into it. The child's type decides the
            // shape, so a blinded sibling must be resolved from the witness here.
            let mut child = core::mem::replace(&mut children[only], Node::Empty);
            resolve(&mut child, store)?;
            let prefix = Nibbles::from_nibbles_unchecked([only as u8]);
            *node = match child {
                Node::Leaf(p, v) => Node::Leaf(prefix.join(&p), v),
                Node::Extension(p, c) => Node::Extension(prefix.join(&p), c),
                branch @ Node::Branch(_) => Node::Extension(prefix, Box::new(branch)),
                Node::Empty | Node::Blinded(_) => unreachable!("non-empty and resolved"),
            };
        }
    }
    Ok(())
}

/// RLP-encodes `node` into `buf` (cleared first) and returns its reference form
/// (the RLP itself when shorter than 32 bytes, else its hash).
fn encode_node(node: &Node, buf: &mut Vec<u8>) -> RlpNode {
    buf.clear();
    match node {
        Node::Empty => {
            buf.push(EMPTY_STRING_CODE);
            RlpNode::from_rlp(buf)
        }
        Node::Blinded(h) => RlpNode::word_rlp(h),
        Node::Leaf(path, value) => LeafNode::new(*path, value.clone()).as_ref().rlp(buf),
        Node::Extension(path, child) => {
            let mut child_buf = Vec::new();
            let child_rlp = encode_node(child, &mut child_buf);
            buf.clear();
            ExtensionNode::new(*path, child_rlp).as_ref().rlp(buf)
        }
        Node::Branch(children) => {
            let mut stack = Vec::with_capacity(16);
            let mut mask = TrieMask::default();
            let mut child_buf = Vec::new();
            for (i, c) in children.iter().enumerate() {
                if *c != Node::Empty {
                    stack.push(encode_node(c, &mut child_buf));
                    mask.set_bit(i as u8);
                }
            }
            buf.clear();
            BranchNode::new(stack, mask).as_ref().rlp(buf)
        }
    }
}

fn collect_nodes(node: &Node, out: &mut Vec<Vec<u8>>, is_root: bool) {
    let mut buf = Vec::new();
    let rlp = encode_node(node, &mut buf);
    match node {
        Node::Empty | Node::Blinded(_) => return,
        _ => {
            if rlp.is_hash() || is_root {
                out.push(buf);
            }
        }
    }
    match node {
        Node::Extension(_, child) => collect_nodes(child, out, false),
        Node::Branch(children) => children.iter().for_each(|c| collect_nodes(c, out, false)),
        _ => {}
    }
}

/// Candidate pre-state nodes for branch collapses, derived from post-state proof nodes.
///
/// When a deletion leaves a branch with one child, the child's *type* decides the new
/// shape, so a blinded child must be resolved. `eth_getProof` at the pre-state does not
/// return that sibling, but the post-state proof (at block N) ends in the node the collapse
/// produced: a leaf or extension whose path begins with the sibling's branch nibble. Cutting
/// the first `k` nibbles off that path gives the sibling as it was before the block. The
/// executor only ever uses a candidate whose keccak hash the pre-state committed to, so
/// supplying candidates is sound; `referenced` (child hashes seen in pre-state nodes) only
/// keeps the witness small. A sibling that was a branch cannot be derived this way.
pub fn orphan_candidates<'a>(
    post_nodes: impl IntoIterator<Item = &'a [u8]>,
    referenced: &alloy_primitives::map::B256Set,
) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for bytes in post_nodes {
        let Ok(node) = TrieNode::decode(&mut &bytes[..]) else { continue };
        match node {
            TrieNode::Leaf(leaf) => {
                for k in 1..=leaf.key.len() {
                    buf.clear();
                    let rlp = LeafNode::new(leaf.key.slice(k..), leaf.value.clone())
                        .as_ref()
                        .rlp(&mut buf);
                    if rlp.as_hash().is_some_and(|h| referenced.contains(&h)) {
                        out.push(buf.clone());
                    }
                }
            }
            TrieNode::Extension(ext) => {
                for k in 1..ext.key.len() {
                    buf.clear();
                    let rlp = ExtensionNode::new(ext.key.slice(k..), ext.child.clone())
                        .as_ref()
                        .rlp(&mut buf);
                    if rlp.as_hash().is_some_and(|h| referenced.contains(&h)) {
                        out.push(buf.clone());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The 32-byte child references of a node (what it commits to by hash).
pub fn child_hashes(bytes: &[u8]) -> Vec<B256> {
    match TrieNode::decode(&mut &bytes[..]) {
        Ok(TrieNode::Branch(b)) => b.stack.iter().filter_map(|c| c.as_hash()).collect(),
        Ok(TrieNode::Extension(e)) => e.child.as_hash().into_iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use alloy_trie::HashBuilder;

    fn key(i: u64) -> Nibbles {
        Nibbles::unpack(keccak256(U256::from(i).to_be_bytes::<32>()))
    }

    fn val(i: u64) -> Vec<u8> {
        alloy_rlp::encode(U256::from(i * 7 + 1))
    }

    /// Independent reference: alloy-trie's HashBuilder over sorted leaves.
    fn reference_root(entries: &[(Nibbles, Vec<u8>)]) -> B256 {
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|a| a.0);
        let mut hb = HashBuilder::default();
        for (k, v) in &sorted {
            hb.add_leaf(*k, v);
        }
        hb.root()
    }

    #[test]
    fn matches_hash_builder_on_inserts_and_removes() {
        let store = NodeStore::default();
        let mut trie = SparseTrie::empty();
        let mut entries = Vec::new();
        for i in 0..300u64 {
            trie.insert(&store, &key(i), val(i)).unwrap();
            entries.push((key(i), val(i)));
            if i % 37 == 0 {
                assert_eq!(trie.root(), reference_root(&entries), "after insert {i}");
            }
        }
        assert_eq!(trie.root(), reference_root(&entries));
        for i in (0..300u64).step_by(3) {
            trie.remove(&store, &key(i)).unwrap();
            entries.retain(|(k, _)| *k != key(i));
        }
        assert_eq!(trie.root(), reference_root(&entries));
        for i in 0..300u64 {
            trie.remove(&store, &key(i)).unwrap();
        }
        assert_eq!(trie.root(), EMPTY_ROOT_HASH);
    }

    #[test]
    fn sparse_trie_from_witness_reproduces_updates() {
        let store0 = NodeStore::default();
        let mut full = SparseTrie::empty();
        for i in 0..64u64 {
            full.insert(&store0, &key(i), val(i)).unwrap();
        }
        let root = full.root();
        let store = NodeStore::new(full.encoded_nodes());
        let mut sparse = SparseTrie::from_root(root);
        assert_eq!(sparse.get(&store, &key(5)).unwrap(), Some(val(5).as_slice()));
        assert_eq!(sparse.get(&store, &key(1000)).unwrap(), None);
        sparse.insert(&store, &key(1000), val(1000)).unwrap();
        sparse.remove(&store, &key(7)).unwrap();
        full.insert(&store0, &key(1000), val(1000)).unwrap();
        full.remove(&store0, &key(7)).unwrap();
        assert_eq!(sparse.root(), full.root());
    }

    #[test]
    fn missing_node_is_an_error_not_absence() {
        let store0 = NodeStore::default();
        let mut full = SparseTrie::empty();
        for i in 0..64u64 {
            full.insert(&store0, &key(i), val(i)).unwrap();
        }
        let mut nodes = full.encoded_nodes();
        // drop one non-root node
        nodes.remove(1);
        let store = NodeStore::new(nodes);
        let mut sparse = SparseTrie::from_root(full.root());
        let mut missing = 0;
        for i in 0..64u64 {
            match sparse.get(&store, &key(i)) {
                Err(TrieError::MissingNode(_)) => missing += 1,
                Ok(v) => assert_eq!(v, Some(val(i).as_slice())),
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert!(missing > 0);
    }

    #[test]
    fn altered_node_is_not_found_by_hash() {
        let store0 = NodeStore::default();
        let mut full = SparseTrie::empty();
        for i in 0..16u64 {
            full.insert(&store0, &key(i), val(i)).unwrap();
        }
        let mut nodes = full.encoded_nodes();
        let last = nodes.last_mut().unwrap();
        let n = last.len();
        last[n - 1] ^= 1;
        let store = NodeStore::new(nodes);
        let mut sparse = SparseTrie::from_root(full.root());
        let errors = (0..16u64).filter(|i| sparse.get(&store, &key(*i)).is_err()).count();
        assert!(errors > 0, "a corrupted node must make some reads fail");
    }

    #[test]
    fn garbage_root_node_is_malformed() {
        let garbage = vec![0xc3, 0x01, 0x02, 0x03];
        let store = NodeStore::new([garbage.clone()]);
        let mut sparse = SparseTrie::from_root(keccak256(&garbage));
        assert!(matches!(sparse.get(&store, &key(1)), Err(TrieError::MalformedNode { .. })));
    }
}
