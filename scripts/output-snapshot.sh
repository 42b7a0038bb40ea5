#!/usr/bin/env bash
# Records what infralint reports on the shared corpus and on fixtures/, to prove that a
# refactor keeps behaviour (byte-identical JSON and SARIF), or to list what a change changed.
#
#   scripts/output-snapshot.sh record DIR     # writes DIR/{corpus,fixtures}.{json,sarif,exit}
#   scripts/output-snapshot.sh compare DIR    # records into a temporary directory and diffs
#   scripts/output-snapshot.sh digest         # sha256 of each output (what CI compares)
#   scripts/output-snapshot.sh verify         # compares with scripts/output-digest.txt
#
# Uses target/release/infralint (built if missing or older than the sources). Run from
# anywhere; paths in the outputs are relative to the repository root. The corpus lives in
# ../shared/corpus; where it is missing, only fixtures/ is recorded (and verify says so).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bin=target/release/infralint
corpus=../shared/corpus
corpus_abs=$(cd "$corpus" 2>/dev/null && pwd || echo /nonexistent)

build() {
  if [ ! -x "$bin" ] || [ -n "$(find src rules data Cargo.toml Cargo.lock -newer "$bin" 2>/dev/null | head -n 1)" ]; then
    cargo build --release --quiet >&2
  fi
}

record() { # record DIR
  local out=$1 name path
  mkdir -p "$out"
  for name in corpus fixtures; do
    path=fixtures
    if [ "$name" = corpus ]; then
      [ -d "$corpus" ] || continue
      path=$corpus
    fi
    # A fixed date: rules that age AMIs against an inventory read the clock otherwise.
    set +e
    "$bin" check --now 2026-12-01 --fail-on never --format json "$path" >"$out/$name.json" 2>"$out/$name.stderr"
    echo $? >"$out/$name.exit"
    # SARIF names the repository root (`originalUriBaseIds`): the checkout's own path, which
    # is not part of the output being compared; the corpus lies outside the root, so its
    # files are absolute URIs, whose prefix is replaced the same way.
    "$bin" check --now 2026-12-01 --fail-on never --format sarif "$path" 2>/dev/null |
      sed -e "s#file://$repo/#file:///CHECKOUT/#g" -e "s#file://$corpus_abs/#file:///CORPUS/#g" >"$out/$name.sarif"
    set -e
  done
}

case "${1:-}" in
  record)
    build
    record "${2:?usage: $0 record DIR}"
    ;;
  compare)
    build
    dir=${2:?usage: $0 compare DIR}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    record "$tmp"
    if diff -r -q "$dir" "$tmp" >/dev/null; then
      echo "identical: corpus and fixtures, JSON and SARIF"
    else
      diff -r -u "$dir" "$tmp" | head -n 200
      echo "DIFFERENT (first 200 lines above)"
      exit 1
    fi
    ;;
  digest)
    build
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    record "$tmp"
    (cd "$tmp" && sha256sum -- *.json *.sarif *.exit)
    ;;
  verify)
    build
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$0" digest >"$tmp/now.txt"
    expected=scripts/output-digest.txt
    if [ ! -d "$corpus" ]; then
      # Without the corpus, the fixtures' lines are compared.
      echo "output-snapshot: $corpus is missing: only fixtures/ is compared"
      grep ' fixtures\.' scripts/output-digest.txt >"$tmp/expected.txt"
      expected=$tmp/expected.txt
    fi
    if ! diff -u "$expected" "$tmp/now.txt"; then
      echo "The JSON or SARIF output on ../shared/corpus or fixtures/ changed. If intended,"
      echo "list every change in your note and run: scripts/output-snapshot.sh digest > scripts/output-digest.txt"
      exit 1
    fi
    echo "output-snapshot: identical to scripts/output-digest.txt"
    ;;
  *)
    sed -n '2,12p' "$0"
    exit 2
    ;;
esac
