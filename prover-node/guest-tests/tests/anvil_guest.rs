//! A block mined by a live anvil dev node, through the RISC-V guest in the emulator.
//!
//! 1. Start anvil (BPO2, no automatic mining) with the helpers of witness-builder's anvil
//!    tests (`common_anvil`, included by path so there is one copy).
//! 2. Block 1: empty (anvil's block 1 is unverifiable, see `witness-builder/tests/anvil.rs`).
//!    Block 2: deploy the test contract. Block 3: an ether transfer to a fresh address and
//!    a contract storage write (`SSTORE` plus a log).
//! 3. Build block 3's witness from anvil (proof path) and validate it natively.
//! 4. Run the guest on the encoded witness: it must exit with 0, commit exactly the native
//!    commitment bytes, and mark every validation phase.

#[path = "../../../witness-builder/tests/common_anvil/mod.rs"]
mod common_anvil;

use alloy_primitives::{B256, U256, address};
use common_anvil::{ANVIL_CHAIN_ID, Anvil, RUNTIME, init_code, store, tx1559};
use guest_tests::{STATELESS_GUEST, exit, guest_elf, run_guest};
use serde_json::json;
use stateless_executor::{StatelessInput, validate_block};
use witness_builder::{build_witness, builder::chain_config_for};

/// The newest hardfork anvil 1.7.1 runs.
const FORK: &str = "bpo2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_validates_anvil_block_with_transfer_and_storage_write() {
    let anvil = Anvil::start(FORK).await;
    let accts = anvil.accounts().await;
    assert!(accts.len() >= 2, "anvil has {} dev accounts", accts.len());

    // Block 1: empty. Block 2: the test contract.
    assert_eq!(anvil.mine().await, 1);
    let deploy = anvil.send(tx1559(accts[0], None, U256::ZERO, &init_code(), 200_000)).await;
    assert_eq!(anvil.mine().await, 2);
    let contract = anvil.receipt(deploy).await.contract_address.expect("a deployment");
    assert_eq!(anvil.client.get_code(contract, 2).await.unwrap().as_ref(), RUNTIME);

    // Block 3: a transfer to a fresh address and a storage write.
    let fresh = address!("0x00000000000000000000000000000000c0ffee02");
    let one_eth = U256::from(1_000_000_000_000_000_000u64);
    let transfer = anvil.send(tx1559(accts[1], Some(fresh), one_eth, &[], 21_000)).await;
    let write =
        anvil.send(tx1559(accts[0], Some(contract), U256::ZERO, &store(1, 7, false), 80_000)).await;
    assert_eq!(anvil.mine().await, 3);
    for tx in [transfer, write] {
        let receipt = anvil.receipt(tx).await;
        assert_eq!(receipt.status.to::<u64>(), 1, "status of {tx}");
        assert_eq!(receipt.block_number.to::<u64>(), 3, "block of {tx}");
    }
    assert_eq!(anvil.client.get_balance(fresh, 3).await.unwrap(), one_eth);
    let slot =
        anvil.rpc("eth_getStorageAt", json!([contract, B256::with_last_byte(1), "0x3"])).await;
    assert_eq!(serde_json::from_value::<B256>(slot).unwrap(), B256::with_last_byte(7));

    // The witness of block 3, validated natively from its encoding.
    let chain = chain_config_for(ANVIL_CHAIN_ID, Some(FORK)).unwrap();
    let built = build_witness(&anvil.client, 3, chain).await.expect("block 3's witness");
    let header = anvil.client.get_block_by_number(3, false).await.unwrap().block.header;
    assert_eq!(built.commitment.post_state_root, header.state_root);
    let encoded = built.input.encode();
    let (native, stats) = validate_block(&StatelessInput::decode(&encoded).unwrap()).unwrap();
    assert_eq!(native, built.commitment);
    assert_eq!(stats.transactions, 2);
    drop(anvil);

    // The guest, in the emulator, on the same bytes.
    let run = run_guest(&guest_elf(STATELESS_GUEST), encoded).expect("the guest runs to HALT");
    let cycles = run.summary.cycles;
    eprintln!(
        "anvil block 3: {cycles} cycles, {} gas, {:.1} cycles/gas, {:.1} MHz\n{}",
        stats.gas_used,
        cycles as f64 / stats.gas_used.max(1) as f64,
        run.mhz(),
        run.phases()
    );
    assert_eq!(run.summary.exit_code, exit::SUCCESS);
    assert_eq!(run.summary.output, native.to_bytes(), "committed bytes");
    assert!(run.phases().is_complete(), "every phase is marked: {:?}", run.summary.phase_marks);
}
