//! Tests of the memory commitment: empty state, paths, incremental updates, the known answer.

extern crate std;

use alloc::vec::Vec;

use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_koala_bear::{KoalaBear, default_koalabear_poseidon2_16};
use p3_symmetric::PseudoCompressionFunction;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

fn random_memory(rng: &mut SmallRng, pages: usize) -> SparseMemory {
    let words: Vec<(u32, u32)> =
        (0..pages).map(|_| (rng.gen_range(0..WORD_ADDR_LIMIT), rng.r#gen())).collect();
    SparseMemory::from_words(words).unwrap()
}

#[test]
fn memory_root_empty_state_is_default_top() {
    let defaults = default_digests();
    let mut memory = SparseMemory::new();
    assert_eq!(memory.root(), defaults[TREE_DEPTH]);
    assert_eq!(memory.recompute_root(), defaults[TREE_DEPTH]);
    assert_eq!(defaults[0], hash_page(&[0; PAGE_WORDS]));
    for l in 0..TREE_DEPTH {
        assert_eq!(defaults[l + 1], compress(defaults[l], defaults[l]));
    }
    let zero = SparseMemory::from_words([(5, 0)]).unwrap();
    assert_eq!(zero.clone().root(), defaults[TREE_DEPTH]);
}

/// Known answer: pins the whole specification (page sponge, domain, compression, depth).
#[test]
fn memory_root_known_answer_empty_root() {
    assert_eq!(SparseMemory::new().root(), EMPTY_ROOT);
    assert_eq!(default_digests()[TREE_DEPTH], EMPTY_ROOT);
}

/// The node hash is the STARK configuration's Merkle compression (no feed-forward).
#[test]
fn memory_root_compress_is_config_compress() {
    let perm = default_koalabear_poseidon2_16();
    let config = zkvm_stark::config::default::Compress::new(perm.clone());
    let left: Digest = core::array::from_fn(|i| 11 * i as u32 + 1);
    let right: Digest = core::array::from_fn(|i| 7 * i as u32 + 100);
    let expected = config
        .compress([left.map(KoalaBear::from_u32), right.map(KoalaBear::from_u32)])
        .map(|e| e.as_canonical_u32());
    assert_eq!(compress(left, right), expected);
    // And it is the truncated permutation, without the input added back.
    let mut state = [KoalaBear::ZERO; 16];
    for i in 0..8 {
        state[i] = KoalaBear::from_u32(left[i]);
        state[8 + i] = KoalaBear::from_u32(right[i]);
    }
    p3_symmetric::Permutation::permute_mut(&perm, &mut state);
    let truncated: Digest = core::array::from_fn(|i| state[i].as_canonical_u32());
    assert_eq!(compress(left, right), truncated);
}

/// The page hash, written out once more from the specification.
#[test]
fn memory_root_page_hash_matches_spec() {
    let words: [u32; PAGE_WORDS] = core::array::from_fn(|i| (i as u32).wrapping_mul(0x9e37_79b9));
    let perm = default_koalabear_poseidon2_16();
    let elements: Vec<u32> = words.iter().flat_map(|&w| [w & 0xffff, w >> 16]).collect();
    assert_eq!(elements.len(), 512);
    let mut state = [KoalaBear::ZERO; 16];
    state[8] = KoalaBear::from_u32(PAGE_DOMAIN);
    for block in elements.chunks(8) {
        for (s, &e) in state.iter_mut().zip(block) {
            *s = KoalaBear::from_u32(e);
        }
        p3_symmetric::Permutation::permute_mut(&perm, &mut state);
    }
    let expected: Digest = core::array::from_fn(|i| state[i].as_canonical_u32());
    assert_eq!(hash_page(&words), expected);
}

#[test]
fn memory_root_set_then_clear_returns_to_empty() {
    let mut memory = SparseMemory::new();
    memory.set_word(0x1_0000 / 4, 0xdead_beef).unwrap();
    memory.set_word(0x7000_0000 / 4, 7).unwrap();
    let touched = memory.root();
    assert_ne!(touched, EMPTY_ROOT);
    memory.set_word(0x1_0000 / 4, 0).unwrap();
    memory.set_word(0x7000_0000 / 4, 0).unwrap();
    assert_eq!(memory.root(), EMPTY_ROOT);
    assert!(memory.levels.iter().all(|level| level.is_empty()));
    assert!(memory.pages.is_empty());
}

#[test]
fn memory_root_one_changed_word_changes_root() {
    let mut rng = SmallRng::seed_from_u64(1);
    let mut memory = random_memory(&mut rng, 50);
    let before = memory.root();
    for addr in [0, 1, 255, 256, 0x4000, WORD_ADDR_LIMIT - 1] {
        let old = memory.word(addr);
        memory.set_word(addr, old ^ 1).unwrap();
        assert_ne!(memory.root(), before, "word {addr:#x}");
        // A high-half change too (the two 16-bit halves are separate elements).
        memory.set_word(addr, old ^ 0x1_0000).unwrap();
        assert_ne!(memory.root(), before, "word {addr:#x} high half");
        memory.set_word(addr, old).unwrap();
        assert_eq!(memory.root(), before);
    }
}

#[test]
fn memory_root_paths_verify_and_reject_tampering() {
    let mut rng = SmallRng::seed_from_u64(2);
    let mut memory = random_memory(&mut rng, 40);
    let root = memory.root();
    let mut leaves: Vec<u32> = memory.pages.keys().copied().collect();
    leaves.extend((0..20).map(|_| rng.gen_range(0..NUM_LEAVES)));
    leaves.extend([0, RAM_PAGES - 1, RESERVED_LEAF, NUM_LEAVES - 1]);
    for leaf in leaves {
        let hash = memory.page_hash(leaf);
        let path = memory.path(leaf);
        assert!(verify_path(leaf, hash, &path, root), "leaf {leaf}");

        let level = rng.gen_range(0..TREE_DEPTH);
        let mut bad = path;
        bad.siblings[level][rng.gen_range(0..DIGEST_ELEMS)] ^= 1;
        assert!(!verify_path(leaf, hash, &bad, root), "sibling at level {level}");

        let mut bad_hash = hash;
        bad_hash[0] ^= 1;
        assert!(!verify_path(leaf, bad_hash, &path, root));
        // A wrong index: the top bit (both halves of the tree are touched and differ), and
        // the bottom bit where the leaf's sibling differs from it (two empty siblings swap
        // into the same parent, so an index flip between them is no change at all).
        assert!(!verify_path(leaf ^ (1 << (TREE_DEPTH - 1)), hash, &path, root));
        if path.siblings[0] != hash {
            assert!(!verify_path(leaf ^ 1, hash, &path, root));
        }
        assert!(!verify_path(leaf + NUM_LEAVES, hash, &path, root));

        // A non-canonical encoding of the same values is rejected, not reduced.
        let mut non_canonical = path;
        non_canonical.siblings[0][0] += KoalaBear::ORDER_U32;
        assert!(!verify_path(leaf, hash, &non_canonical, root));
    }
}

#[test]
fn memory_root_incremental_update_equals_full_recomputation() {
    let mut rng = SmallRng::seed_from_u64(3);
    let mut memory = random_memory(&mut rng, 30);
    assert_eq!(memory.clone().root(), memory.recompute_root());
    for round in 0..20 {
        let hot: Vec<u32> = memory.pages.keys().copied().filter(|&p| p < RAM_PAGES).collect();
        for _ in 0..rng.gen_range(1..40) {
            let addr = match rng.gen_range(0..4) {
                // Rewrite or clear a word in a page already touched.
                0 | 1 if !hot.is_empty() => {
                    hot[rng.gen_range(0..hot.len())] * PAGE_WORDS as u32
                        + rng.gen_range(0..PAGE_WORDS as u32)
                }
                _ => rng.gen_range(0..WORD_ADDR_LIMIT),
            };
            let value = if rng.gen_bool(0.3) { 0 } else { rng.r#gen() };
            memory.set_word(addr, value).unwrap();
        }
        let full = memory.recompute_root();
        let incremental = memory.root();
        assert_eq!(incremental, full, "round {round}");
        // A fresh build from the same contents agrees too.
        let words: Vec<(u32, u32)> = memory
            .pages
            .iter()
            .flat_map(|(&leaf, page)| {
                page.iter().enumerate().map(move |(i, &w)| (leaf * PAGE_WORDS as u32 + i as u32, w))
            })
            .collect();
        assert_eq!(SparseMemory::from_words(words).unwrap().root(), full);
    }
}

#[test]
fn memory_root_reserved_leaves_stay_empty() {
    // No word address reaches a leaf from `RESERVED_LEAF` on: the top word is in the last
    // RAM page, and the word after it is refused.
    let mut memory = SparseMemory::from_words([(WORD_ADDR_LIMIT - 1, 9)]).unwrap();
    assert_eq!(RESERVED_LEAF, RAM_PAGES);
    assert_eq!(memory.page_hash(RESERVED_LEAF), default_digests()[0]);
    assert_eq!(memory.path(RESERVED_LEAF).siblings[0], default_digests()[0]);
    assert!(memory.set_word(RESERVED_LEAF * PAGE_WORDS as u32, 1).is_err());
}

#[test]
fn memory_root_top_of_memory_and_range_errors() {
    let top = WORD_ADDR_LIMIT - 1;
    let mut memory = SparseMemory::from_words([(top, 42)]).unwrap();
    assert_eq!(memory.word(top), 42);
    assert_eq!(memory.pages.keys().copied().collect::<Vec<_>>(), [RAM_PAGES - 1]);
    let root = memory.root();
    assert_ne!(root, EMPTY_ROOT);
    let path = memory.path(RAM_PAGES - 1);
    assert!(verify_path(RAM_PAGES - 1, memory.page_hash(RAM_PAGES - 1), &path, root));
    assert_eq!(
        memory.set_word(WORD_ADDR_LIMIT, 1),
        Err(MemoryRootError::WordOutOfRange { max: WORD_ADDR_LIMIT, got: WORD_ADDR_LIMIT })
    );
    assert!(SparseMemory::from_words([(u32::MAX, 1)]).is_err());
    let mut pages = BTreeMap::new();
    pages.insert(RAM_PAGES, Box::new([0; PAGE_WORDS]));
    assert_eq!(
        memory.update(pages).unwrap_err(),
        MemoryRootError::PageOutOfRange { max: RAM_PAGES, got: RAM_PAGES }
    );
    assert_eq!(memory.root(), root);
}

/// The cost of a root over 1,000 touched pages (printed; run with `--nocapture`).
#[test]
fn memory_root_timing_thousand_pages() {
    let mut rng = SmallRng::seed_from_u64(4);
    let mut memory = SparseMemory::new();
    let mut pages = BTreeSet::new();
    while pages.len() < 1000 {
        pages.insert(rng.gen_range(0..RAM_PAGES));
    }
    for &page in &pages {
        for i in 0..PAGE_WORDS as u32 {
            memory.set_word(page * PAGE_WORDS as u32 + i, rng.r#gen()).unwrap();
        }
    }
    let start = std::time::Instant::now();
    let root = memory.root();
    let incremental = start.elapsed();
    let start = std::time::Instant::now();
    assert_eq!(memory.recompute_root(), root);
    let full = start.elapsed();
    memory.set_word(pages.first().unwrap() * PAGE_WORDS as u32, 1).unwrap();
    let start = std::time::Instant::now();
    memory.root();
    let one = start.elapsed();
    std::println!(
        "1000 pages: root() {incremental:?} (first build), recompute_root() {full:?}, \
         root() after one write {one:?}"
    );
}

/// `update` then `apply` equals writing the words and rehashing; the update lists exactly
/// the nodes on the touched pages' paths, with their children before and after.
#[test]
fn memory_root_update_lists_the_touched_paths() {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut memory = random_memory(&mut rng, 30);
    let existing: Vec<u32> = memory.pages.keys().copied().collect();
    for round in 0..6 {
        // Pages: some already stored, some fresh, neighbours (shared parents), the edges.
        let mut after: BTreeMap<u32, Box<[u32; PAGE_WORDS]>> = BTreeMap::new();
        let mut chosen: Vec<u32> = (0..round * 3).map(|_| rng.gen_range(0..RAM_PAGES)).collect();
        chosen.extend(existing.iter().take(round).copied());
        if round % 2 == 1 {
            chosen.extend([0, 1, 2, RAM_PAGES - 1]);
        }
        for page in chosen {
            let mut words = memory.page(page);
            for _ in 0..rng.gen_range(0..4) {
                words[rng.gen_range(0..PAGE_WORDS)] =
                    if rng.gen_bool(0.2) { 0 } else { rng.r#gen() };
            }
            after.insert(page, words);
        }
        let mut expected = memory.clone();
        for (&page, words) in &after {
            for (i, &w) in words.iter().enumerate() {
                expected.set_word(page * PAGE_WORDS as u32 + i as u32, w).unwrap();
            }
        }
        let expected_root = expected.root();

        let update = memory.update(after.clone()).unwrap();
        assert_eq!(update.root_before, memory.clone().root());
        assert_eq!(update.root_after, expected_root, "round {round}");
        assert_eq!(update.pages.len(), after.len());
        // The nodes: the root first, every ancestor of a touched page once, nothing else.
        let mut ancestors = BTreeSet::new();
        for &page in after.keys() {
            for level in 1..=TREE_DEPTH {
                ancestors.insert((level, page >> level));
            }
        }
        if after.is_empty() {
            ancestors.insert((TREE_DEPTH, 0));
        }
        let listed: BTreeSet<(usize, u32)> =
            update.nodes.iter().map(|n| (n.level, n.index)).collect();
        assert_eq!(listed, ancestors);
        assert_eq!(listed.len(), update.nodes.len());
        assert_eq!((update.nodes[0].level, update.nodes[0].index), (TREE_DEPTH, 0));
        assert!(update.nodes.windows(2).all(|w| w[0].level >= w[1].level));
        for n in &update.nodes {
            assert_eq!(n.before, compress(n.left.before, n.right.before));
            assert_eq!(n.after, compress(n.left.after, n.right.after));
            for (child, index) in [(n.left, 2 * n.index), (n.right, 2 * n.index + 1)] {
                let is_touched = after.keys().any(|&p| p >> (n.level - 1) == index);
                assert_eq!(child.touched, is_touched);
                if !child.touched {
                    assert_eq!(child.before, child.after);
                }
            }
        }
        for p in &update.pages {
            assert_eq!(p.before_digest, hash_page(&p.before));
            assert_eq!(p.after_digest, hash_page(&p.after));
        }

        memory.apply(update);
        assert!(memory.is_clean());
        assert_eq!(memory.clone().root(), expected_root);
        assert_eq!(memory.recompute_root(), expected_root);
        assert_eq!(memory.pages, expected.pages);
    }
}

/// The page sponge's states are the page hash's: permuting the last one gives the digest.
#[test]
fn memory_root_page_sponge_states_chain_to_the_digest() {
    let words: [u32; PAGE_WORDS] = core::array::from_fn(|i| (i as u32).wrapping_mul(0x0123_4567));
    let states = page_sponge_states([&words, &[0; PAGE_WORDS]]);
    assert_eq!(states.len(), 2 * PAGE_BLOCKS);
    let perm = default_koalabear_poseidon2_16();
    for (page, expected) in [(0, hash_page(&words)), (1, default_digests()[0])] {
        let states = &states[page * PAGE_BLOCKS..(page + 1) * PAGE_BLOCKS];
        assert_eq!(states[0][8], PAGE_DOMAIN);
        assert!(states[0][9..].iter().all(|&e| e == 0));
        for (r, pair) in states.windows(2).enumerate() {
            let mut s = pair[0].map(KoalaBear::from_u32);
            p3_symmetric::Permutation::permute_mut(&perm, &mut s);
            let s: [u32; 16] = s.map(|e| e.as_canonical_u32());
            assert_eq!(pair[1][8..], s[8..], "block {r}");
        }
        let mut last = states[PAGE_BLOCKS - 1].map(KoalaBear::from_u32);
        p3_symmetric::Permutation::permute_mut(&perm, &mut last);
        let digest: Digest = core::array::from_fn(|k| last[k].as_canonical_u32());
        assert_eq!(digest, expected);
    }
}

/// The cost of one shard's update over 10,000 touched pages (printed; run with
/// `--nocapture`): `update` (one page hash per page, one compression per node) and `apply`.
#[test]
fn memory_root_timing_ten_thousand_pages() {
    let mut rng = SmallRng::seed_from_u64(6);
    let mut memory = random_memory(&mut rng, 20_000);
    memory.update_pages();
    let existing: Vec<u32> = memory.pages.keys().copied().collect();
    let mut after: BTreeMap<u32, Box<[u32; PAGE_WORDS]>> = BTreeMap::new();
    while after.len() < 10_000 {
        let page = if rng.gen_bool(0.5) {
            existing[rng.gen_range(0..existing.len())]
        } else {
            rng.gen_range(0..RAM_PAGES)
        };
        let mut words = memory.page(page);
        words[rng.gen_range(0..PAGE_WORDS)] = rng.r#gen();
        after.insert(page, words);
    }
    let start = std::time::Instant::now();
    let update = memory.update(after).unwrap();
    let update_time = start.elapsed();
    let nodes = update.nodes.len();
    let root_after = update.root_after;
    let start = std::time::Instant::now();
    memory.apply(update);
    let apply_time = start.elapsed();
    assert_eq!(memory.recompute_root(), root_after);
    std::println!(
        "10,000 touched pages: update {update_time:?} ({nodes} nodes), apply {apply_time:?}"
    );
}
