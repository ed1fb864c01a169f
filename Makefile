# zk Ethereum client: one entry point for setup, the default run, tests and long jobs.
# Every tool the project needs is installed by `make setup` (idempotent).

SHELL := /bin/bash
TOOLS := $(CURDIR)/.tools
ANVIL := $(TOOLS)/node_modules/.bin/anvil
ANVIL_VERSION := 1.7.1
SUITE_TAR := $(CURDIR)/../shared/fixtures/ethereum-tests/BlockchainTests-4c87ebbf.tar.gz
SUITE_DIR ?= $(shell echo $${TMPDIR:-/tmp})/zkec-blockchain-tests
CARGO := cargo
export ANVIL_BIN := $(ANVIL)
GUEST_DIR := executor-guest/guest
GUEST_TOOLCHAIN := $(shell sed -n 's/^channel *= *"\(.*\)"/\1/p' $(GUEST_DIR)/rust-toolchain.toml)

.PHONY: setup run test test-unit spec-tests bench bench-prover fmt lint clean-tools guest guest-repro \
	anvil-fixtures verifier-no-std bench-block

## setup: install everything the project needs (toolchain parts, anvil, qemu-user)
setup:
	rustup component add rustfmt clippy >/dev/null
	@# The guest's pinned nightly with the std sources for -Zbuild-std (see $(GUEST_DIR)).
	@rustup run $(GUEST_TOOLCHAIN) rustc --print sysroot >/dev/null 2>&1 \
		&& [ -d "$$(rustup run $(GUEST_TOOLCHAIN) rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
		|| rustup toolchain install $(GUEST_TOOLCHAIN) --profile minimal --component rust-src
	@command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
	@if [ ! -x "$(ANVIL)" ]; then \
		echo "installing anvil $(ANVIL_VERSION) from npm into .tools/"; \
		npm install --no-audit --no-fund --silent --prefix "$(TOOLS)" @foundry-rs/anvil-linux-amd64@$(ANVIL_VERSION); \
	fi
	@command -v qemu-riscv32 >/dev/null || { \
		echo "installing qemu-user (qemu-riscv32, the RISC-V oracle)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null) \
		|| { echo "could not install qemu-user: run as root or install it yourself"; exit 1; }; }

## run: the main job on the built-in default: prove block 2 of the recorded anvil chain (one transfer, 6 shards) and verify the proof
run: setup guest
	$(CARGO) build --release -q -p prover-node --bin prove-block -p verifier-client --bin verify
	./target/release/prove-block --out block-2.proof
	./target/release/verify --proof block-2.proof --vk block-2.vk --chain-id 31337 --fork bpo2

## test: every test, then the full Ethereum BlockchainTests suite natively
test: setup guest verifier-no-std test-unit spec-tests

test-unit:
	$(CARGO) nextest run --workspace --release --no-fail-fast

## spec-tests: unpack the shared BlockchainTests suite and run it through the stateless executor
spec-tests:
	@if [ ! -d "$(SUITE_DIR)/BlockchainTests" ]; then \
		mkdir -p "$(SUITE_DIR)" && tar -xzf "$(SUITE_TAR)" -C "$(SUITE_DIR)"; fi
	$(CARGO) run --release -q -p spec-tests -- run "$(SUITE_DIR)/BlockchainTests" --json "$(SUITE_DIR)/report.json"

## anvil-fixtures: regenerate fixtures/anvil-rpc/ (the small recorded anvil blocks 2, 4, 5;
## the default small block is 31337-2) from a fresh anvil with a fixed genesis timestamp and
## the dev keys: deterministic, so the files only change when anvil or the builder does
## (the test without ZKEC_BLESS_FIXTURES=1 checks that a fresh recording equals the files)
anvil-fixtures: setup
	ZKEC_BLESS_FIXTURES=1 $(CARGO) test --release -q -p witness-builder --test anvil_fixture \
		-- fixtures_regenerate_identically

## guest: build the RISC-V guest ELFs (reproducibly) and check their sha256s against
## PROGRAM_ID (block validator) and PROGRAM_IDS (small programs keccak-io, fib)
guest:
	$(GUEST_DIR)/build.sh --check

## guest-repro: two clean guest builds from copies of the sources in two fresh folders
## must give the same bytes (slow: two full builds)
guest-repro:
	$(GUEST_DIR)/repro.sh

## bench: figures, not a test: the guest on the six recorded mainnet blocks (cycles,
## cycles/gas, split across the validation phases, emulator MHz in fast mode and in
## recording mode over 2^22-cycle chunks), then the emulator's synthetic throughput
bench:
	$(CARGO) run --release -q -p guest-tests --bin guest-figures
	$(CARGO) run --release -q -p zkvm-emulator --bin emu-bench

## bench-prover: figures, not a test: whole-program proofs (zkvm-machine's `machine` bench)
## of an ALU loop, a memory loop and a Keccak sponge at 2^16 cycles; choose with
## BENCH_ARGS="alu keccak 16 18" (log2 cycles 16..22). Multi-threaded Plonky3
## (zkvm-stark/parallel: up to 1.8x faster on 2 idle cores, no loss when one is busy);
## native CPU features come from .cargo/config.toml like every host build.
BENCH_ARGS ?=
bench-prover:
	$(CARGO) bench -p zkvm-machine --features emulator,zkvm-stark/parallel --bench machine \
		-- $(BENCH_ARGS)

## bench-block: figures, not a test: prove a recorded mainnet block (BLOCK, default 19426587,
## ~2.5-3 h of STARK on 2 cores; interrupted? run it again: it resumes from
## block-$(BLOCK).proof.shards/, kept with every shard's figures in its shards.tsv), then
## time `verify` against the block's header from the replay server (proof + header trust)
BLOCK ?= 19426587
bench-block: setup guest
	$(CARGO) build --release -q -p prover-node --bin prove-block -p verifier-client --bin verify \
		-p witness-builder --bin rpc-replay
	./target/release/prove-block --number $(BLOCK) --out block-$(BLOCK).proof --keep-shards
	@out=$$(mktemp); ./target/release/rpc-replay --fixtures ../shared/fixtures/mainnet-rpc \
		--port 0 >"$$out" 2>/dev/null & pid=$$!; url=; \
	for _ in $$(seq 100); do url=$$(grep -m1 '^http' "$$out"); [ -n "$$url" ] && break; sleep 0.1; done; \
	start=$$(date +%s.%N); \
	./target/release/verify --proof block-$(BLOCK).proof --vk block-$(BLOCK).vk --rpc "$$url"; rc=$$?; \
	end=$$(date +%s.%N); \
	awk -v a="$$start" -v b="$$end" 'BEGIN { printf "verify: %.2f s (key file, all shard STARKs, the chain, the header)\n", b - a }'; \
	kill $$pid; rm -f "$$out"; exit $$rc

## verifier-no-std: build the verifier library (header trust, block-proof decoding and
## verification against a key file: the zkvm verifier and the STARK) without std for a
## bare-metal RISC-V target (riscv32imac-unknown-none-elf: no std, alloc, atomics) to show
## it stays no_std
verifier-no-std:
	rustup target add riscv32imac-unknown-none-elf >/dev/null
	$(CARGO) build -q -p verifier-client --no-default-features --target riscv32imac-unknown-none-elf

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
