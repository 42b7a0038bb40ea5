#!/usr/bin/env bash
# Checks what `cargo package` would publish: the sources, the embedded data and rule docs,
# the README, the LICENSE and the two guides; nothing of fixtures/, tests/, benches/, fuzz/
# (megabytes the crate does not need to build). Offline: `--list` builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
list=$(cargo package --list --allow-dirty --offline 2>/dev/null)
fail=0
for required in LICENSE README.md Cargo.toml Cargo.lock src/main.rs src/lib.rs \
  data/aws-data.toml data/ec2-instances.toml data/ec2-instance-types.toml rules/eip-unattached.md; do
  if ! grep -qx "$required" <<<"$list"; then
    echo "check-package: $required is missing from the package" >&2
    fail=1
  fi
done
unexpected=$(grep -Ev '^(src/|data/|rules/|\.cargo_vcs_info\.json$|Cargo\.toml$|Cargo\.toml\.orig$|Cargo\.lock$|README\.md$|LICENSE$|ARCHITECTURE\.md$|CONTRIBUTING\.md$)' <<<"$list" || true)
if [ -n "$unexpected" ]; then
  echo "check-package: files the crate does not need:" >&2
  echo "$unexpected" >&2
  fail=1
fi
[ "$fail" = 0 ] && echo "check-package: $(wc -l <<<"$list") files, as expected"
exit "$fail"
