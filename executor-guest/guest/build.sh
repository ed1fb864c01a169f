#!/usr/bin/env bash
# Reproducible build of the zkVM guest ELFs: the block validator (stateless-guest), its
# sponge test (keccak-guest) and the small programs of programs/ (keccak-io, fib).
#
#   build.sh                     build into executor-guest/guest/target
#   build.sh --target-dir DIR    build into DIR
#   build.sh --check             also compare sha256(stateless-guest) with PROGRAM_ID and
#                                the small programs' sha256s with PROGRAM_IDS
#   build.sh --record            write them to PROGRAM_ID and PROGRAM_IDS
#
# Every ELF lands in DIR/riscv32im-risc0-zkvm-elf/release/, named after its binary.
# The environment is cleared down to PATH/HOME/CARGO_HOME/RUSTUP_HOME, so flags set for
# host builds (RUSTFLAGS, CARGO_TARGET_DIR, RUSTUP_TOOLCHAIN, ...) cannot change the bytes.
# Every flag that shapes the ELF is in .cargo/config.toml and Cargo.toml; the toolchain is
# the dated nightly of rust-toolchain.toml; dependencies come from Cargo.lock (--locked).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="$here/target"
mode=build
while [ $# -gt 0 ]; do
    case "$1" in
        --target-dir) target_dir="$(realpath -m "$2")"; shift 2 ;;
        --check) mode=check; shift ;;
        --record) mode=record; shift ;;
        *) echo "usage: $0 [--target-dir DIR] [--check|--record]" >&2; exit 2 ;;
    esac
done

channel="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$here/rust-toolchain.toml")"
repo="$(cd "$here/../.." && pwd)"

# Cargo hashes the absolute path of path dependencies outside the workspace root
# (executor-guest, prover-node/abi) into every crate's `-C metadata`, and so into symbol
# names and code layout. To give the same bytes from any checkout, the sources the guest
# needs are staged at one fixed path and built there (as other zkVMs build in a container
# at a fixed path). The lock serialises builds from different checkouts.
stage="/tmp/zkvm-guest-build"
mkdir -p "$stage"
exec 9>"$stage.lock"
flock 9
src="$stage/src"
rm -rf "$src"
mkdir -p "$src/executor-guest/guest" "$src/prover-node/abi"
cp -a "$repo/Cargo.toml" "$src/"
cp -a "$repo/executor-guest/Cargo.toml" "$repo/executor-guest/src" "$src/executor-guest/"
cp -a "$repo/prover-node/abi/Cargo.toml" "$repo/prover-node/abi/src" "$src/prover-node/abi/"
(cd "$here" && cp -a Cargo.toml Cargo.lock rust-toolchain.toml link.x .cargo src \
    "$src/executor-guest/guest/")
mkdir -p "$src/executor-guest/guest/programs"
cp -a "$here/programs/Cargo.toml" "$here/programs/src" "$src/executor-guest/guest/programs/"

cd "$src/executor-guest/guest"
env -i PATH="$PATH" HOME="$HOME" \
    ${CARGO_HOME:+CARGO_HOME="$CARGO_HOME"} ${RUSTUP_HOME:+RUSTUP_HOME="$RUSTUP_HOME"} \
    cargo "+$channel" build --release --locked --workspace --bins --target-dir "$target_dir"

out="$target_dir/riscv32im-risc0-zkvm-elf/release"
elf="$out/stateless-guest"
got="$(sha256sum "$elf" | cut -d' ' -f1)"
echo "guest ELF: $elf ($(stat -c %s "$elf") bytes)"
echo "program id (sha256): $got"

# The small programs of programs/, recorded in PROGRAM_IDS as `sha256sum` lines
# ("<hex>  <name>"), in this order.
small_programs=(keccak-io fib)
small_ids="$(cd "$out" && sha256sum "${small_programs[@]}")"
for name in "${small_programs[@]}"; do
    echo "small program: $out/$name ($(stat -c %s "$out/$name") bytes)"
done
echo "$small_ids"

case "$mode" in
    record)
        echo "$got" > "$here/PROGRAM_ID"
        echo "$small_ids" > "$here/PROGRAM_IDS"
        echo "recorded in $here/PROGRAM_ID and $here/PROGRAM_IDS" ;;
    check)
        want="$(tr -d '[:space:]' < "$here/PROGRAM_ID")"
        status=0
        if [ "$got" != "$want" ]; then
            echo "PROGRAM ID MISMATCH: PROGRAM_ID records $want, the build gives $got" >&2
            status=1
        fi
        if [ "$small_ids" != "$(cat "$here/PROGRAM_IDS")" ]; then
            echo "PROGRAM IDS MISMATCH: PROGRAM_IDS records" >&2
            cat "$here/PROGRAM_IDS" >&2
            echo "the build gives" >&2
            echo "$small_ids" >&2
            status=1
        fi
        if [ "$status" != 0 ]; then
            echo "(if a guest changed on purpose, run: $0 --record)" >&2
            exit 1
        fi
        echo "program ids match PROGRAM_ID and PROGRAM_IDS" ;;
esac
