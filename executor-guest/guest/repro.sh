#!/usr/bin/env bash
# Reproducibility check: copy the guest's sources into two fresh folders, build each from
# clean (own target dir, via build.sh), and require the same ELF bytes and the program ids
# recorded in PROGRAM_ID (the block validator) and PROGRAM_IDS (the small programs). Slow:
# two full builds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/guest-repro.XXXXXX")"
trap 'rm -rf "$work"' EXIT

ids=()
small=()
for name in first second; do
    dir="$work/$name/checkout"
    mkdir -p "$dir/executor-guest/guest" "$dir/prover-node/abi"
    cp "$repo/Cargo.toml" "$dir/"
    cp -r "$repo/executor-guest/Cargo.toml" "$repo/executor-guest/src" "$dir/executor-guest/"
    cp -r "$repo/prover-node/abi/Cargo.toml" "$repo/prover-node/abi/src" "$dir/prover-node/abi/"
    (cd "$here" && cp -r Cargo.toml Cargo.lock rust-toolchain.toml link.x .cargo src build.sh \
        PROGRAM_ID PROGRAM_IDS "$dir/executor-guest/guest/")
    mkdir -p "$dir/executor-guest/guest/programs"
    cp -r "$here/programs/Cargo.toml" "$here/programs/src" "$dir/executor-guest/guest/programs/"
    "$dir/executor-guest/guest/build.sh" --target-dir "$work/$name/target" >"$work/$name.log" 2>&1 \
        || { cat "$work/$name.log"; exit 1; }
    out="$work/$name/target/riscv32im-risc0-zkvm-elf/release"
    ids+=("$(sha256sum "$out/stateless-guest" | cut -d' ' -f1)")
    echo "$name build in $dir: ${ids[-1]}"
    small+=("$(cd "$out" && sha256sum keccak-io fib)")
done
want="$(tr -d '[:space:]' < "$here/PROGRAM_ID")"
if [ "${ids[0]}" != "${ids[1]}" ] || [ "${ids[0]}" != "$want" ]; then
    echo "NOT REPRODUCIBLE: first ${ids[0]}, second ${ids[1]}, PROGRAM_ID $want" >&2
    exit 1
fi
if [ "${small[0]}" != "${small[1]}" ] || [ "${small[0]}" != "$(cat "$here/PROGRAM_IDS")" ]; then
    printf 'NOT REPRODUCIBLE (small programs): first\n%s\nsecond\n%s\nPROGRAM_IDS\n%s\n' \
        "${small[0]}" "${small[1]}" "$(cat "$here/PROGRAM_IDS")" >&2
    exit 1
fi
echo "reproducible: both builds give $want (= PROGRAM_ID) and the small programs' PROGRAM_IDS"
