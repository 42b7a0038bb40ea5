#!/usr/bin/env bash
# Seeds and runs the cargo-fuzz targets (needs a nightly toolchain and cargo-fuzz).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     # default: 180 s each, all four targets
#
# `evaluator` builds its inputs itself (random modules of the evaluator's most expensive
# constructs, chosen by the input's bytes): it needs no seeds, and runs with a 10 s timeout and
# 1 GB of memory, so anything that escapes the evaluation budget is a finding.
# Seeds: fixtures/, tests/ inputs, fuzz/seeds/ (hand-written edge cases of the evaluators) and
# a small generated corpus. libFuzzer runs in fork mode
# and keeps going after a crash, timeout or OOM; every such input is copied into
# fuzz/regressions/<target>/ (kept in the repository). Replay them with
#   cargo +nightly fuzz run <target> fuzz/regressions/<target>/*
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-180}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(terraform cloudformation pipeline evaluator)

SEEDS=target/fuzz-seeds
cargo build --release --quiet --example gen-corpus || exit 2
target/release/examples/gen-corpus --tf 60 --cfn 40 --seed 7 "$SEEDS" >/dev/null || exit 2

seed() { # seed TARGET FILE...
    local t=$1
    shift
    mkdir -p "fuzz/corpus/$t"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue # moved or deleted since the listing
        cp "$f" "fuzz/corpus/$t/seed-$(sha1sum "$f" | cut -c1-16)"
    done
}
# fuzz/seeds/ and fuzz/regressions/ files have names infralint does not discover (`*.seed`, no
# extension), so that `infralint check .` on this repository does not lint them.
mapfile -t TF < <(find fixtures tests "$SEEDS" -type f \( -name '*.tf' -o -name '*.tfvars' \) 2>/dev/null | sort
    find fuzz/seeds -type f -name 'tf-*' 2>/dev/null | sort)
mapfile -t CFN < <(find fixtures tests "$SEEDS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) 2>/dev/null | sort
    find fuzz/seeds -type f -name 'cfn-*' 2>/dev/null | sort)

status=0
for t in "${TARGETS[@]}"; do
    timeout=30
    rss=2048
    case "$t" in
        terraform) seed terraform "${TF[@]}"; dict=fuzz/dicts/terraform.dict ;;
        evaluator) mkdir -p fuzz/corpus/evaluator; dict=; timeout=10; rss=1024 ;;
        cloudformation) seed cloudformation "${CFN[@]}"; dict=fuzz/dicts/cloudformation.dict ;;
        pipeline) seed pipeline "${TF[@]}" "${CFN[@]}"; dict=fuzz/dicts/cloudformation.dict ;;
        *) echo "unknown target $t" >&2; exit 2 ;;
    esac
    mkdir -p "fuzz/regressions/$t" "fuzz/artifacts/$t"
    echo "== $t: ${SECS}s" >&2
    cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
        -max_total_time="$SECS" -timeout="$timeout" -rss_limit_mb="$rss" -max_len=65536 \
        ${dict:+-dict="$dict"} -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="fuzz/artifacts/$t/" 2>&1 | tee "target/fuzz-$t.log" | grep -E 'INFO: fuzzed|==[0-9]+==|panicked|crash-|timeout-|oom-|#[0-9]+ ' | tail -20
    for a in fuzz/artifacts/"$t"/crash-* fuzz/artifacts/"$t"/timeout-* fuzz/artifacts/"$t"/oom-*; do
        [ -e "$a" ] || continue
        cp -n "$a" "fuzz/regressions/$t/"
        echo "FOUND: $a (copied to fuzz/regressions/$t/)" >&2
        status=1
    done
done
exit $status
