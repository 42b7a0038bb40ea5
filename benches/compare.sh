#!/usr/bin/env bash
# Side-by-side comparison of infralint with checkov and cfn-lint on a generated corpus, plus
# infralint against a parse-only baseline, the single-file (pre-commit) case and 10x
# linearity. All figures come from one run, so compare the RATIOS: the machine may be shared.
#
#   benches/compare.sh [--tf N] [--cfn N] [--runs N] [--scale K] [--small-runs N] [--no-peers]
#
# Defaults: --tf 500 --cfn 200 --runs 3 --scale 10 --small-runs 20. Output: a table on stdout,
# raw measurements in target/compare/results.tsv, the table in target/compare/summary.md.
# Needs python3 (venv, medians), cargo; installs `time` with apt-get if /usr/bin/time is
# missing, and checkov + cfn-lint from PyPI into target/peers-venv if absent.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TF=500
CFN=200
RUNS=3
SCALE=10
SMALL_RUNS=20
PEERS=1
SEED=${SEED:-0x1f2ac0de}
while [ $# -gt 0 ]; do
    case "$1" in
        --tf) TF=$2; shift 2 ;;
        --cfn) CFN=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --small-runs) SMALL_RUNS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --no-peers) PEERS=0; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

OUT=$ROOT/target/compare
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

# --- tools -----------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (apt-get)"
    (apt-get update -qq && apt-get install -y -qq time) >/dev/null || die "cannot install time"
fi
VENV=$ROOT/target/peers-venv
if [ "$PEERS" = 1 ] && { [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/cfn-lint" ]; }; then
    log "creating $VENV and installing checkov, cfn-lint from PyPI (a few minutes)"
    python3 -m venv "$VENV" || die "python3 -m venv failed"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q checkov cfn-lint || die "pip install checkov cfn-lint failed"
fi

log "building infralint, gen-corpus and the bare_parse baseline (release)"
cargo build --release --quiet --bin infralint || die "cargo build failed"
cargo build --release --quiet --example gen-corpus || die "cargo build --example failed"
BARE=$(cargo bench --bench bare_parse --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "bare_parse":
        print(m["executable"])') || true
[ -x "$BARE" ] || die "cannot build the bare_parse bench binary"
INFRALINT=$ROOT/target/release/infralint
GEN=$ROOT/target/release/examples/gen-corpus

# --- corpora ---------------------------------------------------------------------------------
CORPUS=$OUT/corpus-$TF-$CFN
BIG=$OUT/corpus-$((TF * SCALE))-$((CFN * SCALE))
log "generating $CORPUS"
"$GEN" --tf "$TF" --cfn "$CFN" --seed "$SEED" "$CORPUS" >&2 || die "gen-corpus failed"
log "generating $BIG"
"$GEN" --tf $((TF * SCALE)) --cfn $((CFN * SCALE)) --seed "$SEED" "$BIG" >&2 || die "gen-corpus failed"
SMALL=$(find "$CORPUS/tf" -name main.tf | sort | head -1)
SMALL_BYTES=$(wc -c <"$SMALL")

shopt -s globstar nullglob
CFN_FILES=("$CORPUS"/cfn/**/*.yaml "$CORPUS"/cfn/**/*.yml "$CORPUS"/cfn/**/*.json "$CORPUS"/cfn/**/*.template)

# --- measuring -------------------------------------------------------------------------------
# Each command is an array CMD_<name>. One untimed warm-up run of each (page cache, Python
# bytecode caches), then RUNS rounds; each round runs every command once, in turn, so a change
# of machine load hits all of them alike. Wall time from date +%s%N (/usr/bin/time -v only has
# 10 ms resolution), max RSS from /usr/bin/time -v. Non-zero exit codes are expected (linters
# exit 1 on findings) and recorded, never fatal.
printf 'name\trun\twall_ms\tmax_rss_kb\texit\n' >"$RESULTS"
run_once() {
    local name=$1 i=$2
    local -n cmd="CMD_$name"
    local start end rc rss
    start=$(date +%s%N)
    /usr/bin/time -v -o "$OUT/$name.time" "${cmd[@]}" >"$OUT/$name.out" 2>"$OUT/$name.err"
    rc=$?
    end=$(date +%s%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$name.time")
    printf '%s\t%d\t%s\t%s\t%d\n' "$name" "$i" "$(((end - start) / 1000))e-3" "${rss:-0}" "$rc" >>"$RESULTS"
}

CMD_infralint=("$INFRALINT" check --format json "$CORPUS")
CMD_infralint_cfn=("$INFRALINT" check --format json "$CORPUS/cfn")
CMD_bare_parse=("$BARE" "$CORPUS")
CMD_bare_parse_serial=("$BARE" "$CORPUS" --serial)
CMD_infralint_big=("$INFRALINT" check --format json "$BIG")
CMD_bare_parse_big=("$BARE" "$BIG")
CMD_infralint_small=("$INFRALINT" check --format json "$SMALL")
NAMES=(infralint infralint_cfn bare_parse bare_parse_serial infralint_big bare_parse_big)
if [ "$PEERS" = 1 ]; then
    CMD_checkov=("$VENV/bin/checkov" -d "$CORPUS" --quiet --compact -o json
        --framework terraform cloudformation --skip-download)
    CMD_cfn_lint=("$VENV/bin/cfn-lint" --format json -- "${CFN_FILES[@]}")
    NAMES+=(checkov cfn_lint)
fi

for name in "${NAMES[@]}" infralint_small; do
    declare -n c="CMD_$name"
    log "warm-up: $name: ${c[*]:0:8}$([ ${#c[@]} -gt 8 ] && echo ' ...')"
    unset -n c
    run_once "$name" 0
done
sed -i '2,$d' "$RESULTS"
for ((round = 1; round <= RUNS; round++)); do
    for name in "${NAMES[@]}"; do
        log "round $round/$RUNS: $name"
        run_once "$name" "$round"
    done
done
log "single small file: $SMALL_RUNS runs"
for ((round = 1; round <= SMALL_RUNS; round++)); do
    run_once infralint_small "$round"
done

# --- report ----------------------------------------------------------------------------------
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) cores, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "corpus: $CORPUS ($(find "$CORPUS" -type f ! -name '.*' | wc -l) files, $(du -sb --exclude=.corpus-params "$CORPUS" | cut -f1) bytes); big: $BIG ($(find "$BIG" -type f ! -name '.*' | wc -l) files); small: $SMALL ($SMALL_BYTES bytes)"
    echo "infralint: $("$INFRALINT" --version 2>/dev/null || echo '?')"
    if [ "$PEERS" = 1 ]; then
        echo "checkov: $("$VENV/bin/checkov" --version 2>/dev/null); cfn-lint: $("$VENV/bin/cfn-lint" --version 2>/dev/null)"
    fi
} >"$OUT/header.txt"

python3 - "$RESULTS" "$OUT" "$OUT/header.txt" "$SCALE" <<'PY' | tee "$OUT/summary.md"
import csv, statistics, sys, json, os
results, out, header, scale = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = {}
for r in csv.DictReader(open(results), delimiter="\t"):
    rows.setdefault(r["name"], []).append(r)
med = {n: (statistics.median(float(r["wall_ms"]) for r in rs),
           statistics.median(int(r["max_rss_kb"]) for r in rs),
           sorted({r["exit"] for r in rs}), len(rs)) for n, rs in rows.items()}

def findings(name):
    try:
        d = json.load(open(os.path.join(out, name + ".out")))
    except Exception:
        return "?"
    if isinstance(d, dict) and "summary" in d:
        return f'{d["summary"].get("findings")} findings, {d["summary"].get("errors")} errors'
    if isinstance(d, list) and d and isinstance(d[0], dict) and "check_type" in d[0]:
        return f'{sum(len(x["results"].get("failed_checks", [])) for x in d)} failed checks'
    if isinstance(d, dict) and "check_type" in d:
        return f'{len(d["results"].get("failed_checks", []))} failed checks'
    if isinstance(d, list):
        return f"{len(d)} matches"
    return "?"

print("```")
print(open(header).read().rstrip())
print("```\n")
print("| command | runs | median wall (ms) | median max RSS (MB) | exit | output |")
print("|---|---|---|---|---|---|")
for n, (w, rss, ex, k) in med.items():
    out_desc = findings(n) if not n.startswith("bare_parse") else open(os.path.join(out, n + ".out")).read().strip()
    print(f"| {n} | {k} | {w:.1f} | {rss/1024:.1f} | {','.join(ex)} | {out_desc} |")
print()
print("| ratio | wall | RSS | meaning |")
print("|---|---|---|---|")
def ratio(a, b, meaning):
    if a in med and b in med:
        print(f"| {a} / {b} | {med[a][0]/med[b][0]:.2f}x | {med[a][1]/med[b][1]:.2f}x | {meaning} |")
ratio("checkov", "infralint", "checkov (terraform + cloudformation) vs infralint, same corpus: >1 = infralint faster/smaller")
ratio("cfn_lint", "infralint_cfn", "cfn-lint vs infralint on the CloudFormation templates only")
ratio("infralint", "bare_parse", "end-to-end vs parse-only (discover+read+parse, rayon): target <= 2x")
ratio("infralint_big", "bare_parse_big", "same, on the big corpus")
ratio("infralint_big", "infralint", f"linearity: corpus x{scale} vs x1 (ideal: {scale})")
ratio("bare_parse_big", "bare_parse", f"parse-only linearity (ideal: {scale})")
if "infralint_small" in med:
    w = med["infralint_small"][0]
    print(f"\nsingle small file (pre-commit case): median {w:.1f} ms over {med['infralint_small'][3]} runs "
          f"(target < 20 ms: {'met' if w < 20 else 'MISSED'})")
PY
log "raw results: $RESULTS; table: $OUT/summary.md"
