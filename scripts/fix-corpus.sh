#!/usr/bin/env bash
# Applies every safe fix (`check --fix`) to a copy of ../shared/corpus (or DIR) and checks
# that the fixes are right for the files:
#   - every edited file still parses (no new error in the run after fixing);
#   - `terraform fmt -check` still passes on every edited .tf file that passed before
#     (skipped with a message when terraform is missing);
#   - cfn-lint reports no new error on edited templates (skipped when cfn-lint is missing);
#   - a second `--fix` changes nothing;
#   - the fixed findings no longer fire (checked by `--fix` itself: it rolls back otherwise,
#     which this script counts as a failure).
#
#   scripts/fix-corpus.sh [--unsafe-fixes] [DIR]
#
# Prints the counts; exits 1 when a check fails. Uses target/release/infralint (built if
# missing or older than the sources).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
flags=()
if [ "${1:-}" = "--unsafe-fixes" ]; then
  flags+=(--unsafe-fixes)
  shift
fi
src=$(cd "${1:-$repo/../shared/corpus}" && pwd)
bin=$repo/target/release/infralint
if [ ! -x "$bin" ] || [ -n "$(find "$repo/src" "$repo/rules" "$repo/data" -newer "$bin" 2>/dev/null | head -n 1)" ]; then
  (cd "$repo" && cargo build --release --quiet)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/before"
cp -r "$src/." "$work/fixed"
# The copies are ours to edit, whatever the modes of the originals.
chmod -R u+w "$work"
failed=0

have_terraform=0
if command -v terraform >/dev/null 2>&1; then have_terraform=1; else echo "terraform not installed: fmt checks skipped"; fi
have_cfn_lint=0
if command -v cfn-lint >/dev/null 2>&1; then have_cfn_lint=1; else echo "cfn-lint not installed: template checks skipped"; fi

cd "$work/fixed"
set +e
"$bin" check --now 2026-12-01 --fail-on never --format json . >"$work/before.json" 2>/dev/null
"$bin" check --now 2026-12-01 --fail-on never --format json --fix "${flags[@]}" . >"$work/after.json" 2>"$work/fix.stderr"
fix_exit=$?
set -e
applied=$(grep -c '^fixed: ' "$work/fix.stderr" || true)
skipped=$(grep -c '^fix skipped: ' "$work/fix.stderr" || true)
echo "fixes applied: $applied; skipped: $skipped (exit $fix_exit)"
{ grep '^fixed: ' "$work/fix.stderr" || true; } | sed 's/^fixed: [^ ]* \([a-z0-9-]*\) .*/\1/' | sort | uniq -c | sed 's/^/  applied /'
{ grep '^fix skipped: ' "$work/fix.stderr" || true; } | sed 's/^fix skipped: [^ ]* [a-z0-9-]* `[^`]*`: //' | sed 's/`[^`]*`/X/g' | sort | uniq -c | sed 's/^/  skipped /'
if grep -q 'rolled back\|^error: ' "$work/fix.stderr"; then
  echo "FAIL: errors while fixing:"; grep 'rolled back\|^error: ' "$work/fix.stderr"; failed=1
fi

edited=$( (cd "$work" && diff -rq before fixed || true) | sed -n 's/^Files before\/\(.*\) and fixed\/.* differ$/\1/p')
echo "files edited: $(printf '%s' "$edited" | grep -c . || true)"

errors() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["errors"]))' "$1"; }
echo "run errors before: $(errors "$work/before.json"), after: $(errors "$work/after.json")"
if [ "$(errors "$work/after.json")" -gt "$(errors "$work/before.json")" ]; then
  echo "FAIL: a fixed file no longer parses"; failed=1
fi

fmt_checked=0
cfn_checked=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  case "$f" in
    *.tf)
      [ "$have_terraform" = 1 ] || continue
      if terraform fmt -check "$work/before/$f" >/dev/null 2>&1; then
        fmt_checked=$((fmt_checked + 1))
        if ! terraform fmt -check "$work/fixed/$f" >/dev/null 2>&1; then
          echo "FAIL: terraform fmt -check no longer passes on $f"
          terraform fmt -diff "$work/fixed/$f" 2>/dev/null | head -n 20
          failed=1
        fi
      fi
      ;;
    *.yaml | *.yml | *.json | *.template)
      case "$f" in *.tf.json | *.tfvars.json) continue ;; esac
      [ "$have_cfn_lint" = 1 ] || continue
      count() { (cfn-lint --format parseable "$1" 2>/dev/null || true) | grep -c ':E[0-9]' || true; }
      cfn_checked=$((cfn_checked + 1))
      b=$(count "$work/before/$f")
      a=$(count "$work/fixed/$f")
      if [ "$a" -gt "$b" ]; then
        echo "FAIL: cfn-lint errors on $f: $b before, $a after"
        failed=1
      fi
      ;;
  esac
done <<<"$edited"
echo "terraform fmt -check still clean on $fmt_checked edited .tf files that were clean"
echo "cfn-lint: no new error on $cfn_checked edited templates"

cp -r "$work/fixed" "$work/again"
(cd "$work/again" && "$bin" check --now 2026-12-01 --fail-on never --format json --fix "${flags[@]}" . >/dev/null 2>"$work/again.stderr") || true
if ! diff -rq "$work/fixed" "$work/again" >/dev/null; then
  echo "FAIL: a second --fix changed:"; diff -rq "$work/fixed" "$work/again" | head; failed=1
else
  echo "second --fix: no change"
fi
exit "$failed"
