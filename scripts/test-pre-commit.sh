#!/usr/bin/env bash
# Tests the pre-commit hook for real: installs pre-commit (PyPI) into a virtualenv, runs
# `pre-commit try-repo` of this repository in a scratch git repository with a bad .tf file,
# and checks that the hook fails with the finding, then passes after the fix.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv="$repo/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
export PRE_COMMIT_HOME="$repo/target/pre-commit-home"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.email ci@example.invalid
git config user.name ci
mkdir infra
cat > infra/eip.tf <<'TF'
resource "aws_eip" "orphan" {
  domain = "vpc"
}
TF
cat > infra/other.tf <<'TF'
resource "aws_instance" "web" {
  ami           = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.micro"
}
data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}
TF
git add -A
set +e
out=$("$venv/bin/pre-commit" try-repo "$repo" infralint --files infra/eip.tf 2>&1)
status=$?
set -e
echo "$out"
if [ $status -eq 0 ]; then
  echo "FAIL: the hook passed on an unattached EIP"; exit 1
fi
grep -q "eip-unattached" <<<"$out" || { echo "FAIL: the finding is not in the hook output"; exit 1; }

# The fix: associate the EIP in another file of the module. The hook is given only eip.tf,
# so it must load the module to see the association.
cat > infra/assoc.tf <<'TF'
resource "aws_eip_association" "web" {
  allocation_id = aws_eip.orphan.id
  instance_id   = aws_instance.web.id
}
TF
git add -A
"$venv/bin/pre-commit" try-repo "$repo" infralint --files infra/eip.tf infra/deleted.tf
echo "pre-commit hook: 2 passed, 0 failed"
