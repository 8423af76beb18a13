#!/usr/bin/env bash
# Coverage-guided fuzzing of Yalu's parsers with libFuzzer, on stable Rust (no cargo-fuzz,
# no nightly): the targets are built with LLVM's SanitizerCoverage passes, which stable
# rustc accepts through -C passes / -C llvm-args.
#   fuzz/run.sh build                 build every target
#   fuzz/run.sh TARGET SECONDS        fuzz one target (built first if needed), seeded from
#                                     the bad-input corpus
#   fuzz/run.sh smoke SECONDS         every target for SECONDS each (CI)
set -euo pipefail
cd "$(dirname "$0")"
TARGETS="scenario sweep sensitivity calibration"
HOST=$(rustc -vV | sed -n 's/^host: //p')
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target}"
FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"

build() {
  # --target: the flags then apply to the targets only, not to build scripts.
  CARGO_TARGET_DIR="$FUZZ_TARGET_DIR" RUSTFLAGS="$FLAGS" \
    cargo build --release --locked --target "$HOST" --bins
  # Every file of the hostile-input corpus becomes a seed (no case is run).
  rm -rf seeds
  (cd .. && YALU_SEEDS="$PWD/fuzz/seeds" YALU_CASE=- cargo test -q --locked -p yalu-cli \
    --test bad_inputs >/dev/null)
}

seeds() {
  # The shipped scenarios and experiment files, and the corpus files `build` wrote.
  local target=$1 dir="corpus/$1"
  mkdir -p "$dir"
  case $target in
    scenario) for f in ../scenarios/*.toml; do cp "$f" "$dir/shipped-$(basename "$f")"; done ;;
    sweep) cp ../sweeps/levy.toml "$dir/shipped-levy.toml" ;;
    sensitivity) cp ../sweeps/sensitivity.toml "$dir/shipped-sensitivity.toml" ;;
    calibration) cp ../sweeps/calibration.toml "$dir/shipped-calibration.toml" ;;
  esac
  # The corpus files (which include the corpus bases) that `build` wrote.
  if [ -d "seeds/$target" ]; then cp seeds/"$target"/* "$dir/"; fi
}

fuzz() {
  local target=$1 seconds=$2
  seeds "$target"
  mkdir -p "artifacts/$target"
  "$FUZZ_TARGET_DIR/$HOST/release/$target" "corpus/$target" \
    -max_total_time="$seconds" -max_len=200000 -timeout=20 -rss_limit_mb=4096 \
    -dict=toml.dict -artifact_prefix="artifacts/$target/" -print_final_stats=1
}

case "${1:-}" in
  build) build ;;
  smoke)
    build
    for t in $TARGETS; do fuzz "$t" "${2:-30}"; done
    # libFuzzer stops with an error on the first crash, so reaching here means none.
    echo "fuzz smoke: 4 passed, 0 failed"
    ;;
  *)
    [ -x "$FUZZ_TARGET_DIR/$HOST/release/$1" ] || build
    fuzz "$1" "${2:-600}"
    ;;
esac
