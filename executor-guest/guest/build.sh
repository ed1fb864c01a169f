#!/usr/bin/env bash
# Reproducible build of the zkVM guest ELFs (stateless-guest, keccak-guest).
#
#   build.sh                     build into executor-guest/guest/target
#   build.sh --target-dir DIR    build into DIR
#   build.sh --check             also compare sha256(stateless-guest) with PROGRAM_ID
#   build.sh --record            write sha256(stateless-guest) to PROGRAM_ID
#
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

cd "$src/executor-guest/guest"
env -i PATH="$PATH" HOME="$HOME" \
    ${CARGO_HOME:+CARGO_HOME="$CARGO_HOME"} ${RUSTUP_HOME:+RUSTUP_HOME="$RUSTUP_HOME"} \
    cargo "+$channel" build --release --locked --bins --target-dir "$target_dir"

elf="$target_dir/riscv32im-risc0-zkvm-elf/release/stateless-guest"
got="$(sha256sum "$elf" | cut -d' ' -f1)"
echo "guest ELF: $elf ($(stat -c %s "$elf") bytes)"
echo "program id (sha256): $got"
case "$mode" in
    record) echo "$got" > "$here/PROGRAM_ID"; echo "recorded in $here/PROGRAM_ID" ;;
    check)
        want="$(tr -d '[:space:]' < "$here/PROGRAM_ID")"
        if [ "$got" != "$want" ]; then
            echo "PROGRAM ID MISMATCH: PROGRAM_ID records $want, the build gives $got" >&2
            echo "(if the guest changed on purpose, run: $0 --record)" >&2
            exit 1
        fi
        echo "program id matches PROGRAM_ID" ;;
esac
