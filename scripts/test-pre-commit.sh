#!/usr/bin/env bash
# Tests the pre-commit hooks for real: `pre-commit try-repo` of this repository in scratch git
# repositories.
#   1. infralint (language: rust): an unattached EIP fails the hook, associating it passes.
#   2. infralint: a tfvars-only change that makes a module's volume io1 fails the hook (the
#      finding is located in the module file, which is not staged; the tfvars line is a
#      related location of it).
#   3. infralint-system (language: system): the same, with the binary found on PATH.
#   4. infralint-system: an edit in a caller passes although the modules it calls have old
#      findings (located in their own files, not staged); an edit that passes io1 to a module
#      fails. The system hook, as each `try-repo` of the rust hook compiles infralint anew
#      (a temporary store), and the hook's scope is the binary's.
# pre-commit comes from PATH, else from a virtualenv in target/ (installed from PyPI once).
# Where neither works (no python3, no network), the test is skipped, saying so: CI must not
# fail for lack of a tool.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv="$repo/target/pre-commit-venv"

skip() {
  echo "pre-commit hook test: SKIPPED: $*"
  exit 0
}

if command -v pre-commit >/dev/null 2>&1; then
  pre_commit=$(command -v pre-commit)
elif [ -x "$venv/bin/pre-commit" ]; then
  pre_commit="$venv/bin/pre-commit"
else
  command -v python3 >/dev/null 2>&1 || skip "pre-commit is not installed and python3 is missing"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet pre-commit; } >/dev/null 2>&1; then
    rm -rf "$venv"
    skip "pre-commit is not installed and could not be installed from PyPI (pip install pre-commit)"
  fi
  pre_commit="$venv/bin/pre-commit"
fi
export PRE_COMMIT_HOME="$repo/target/pre-commit-home"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scratch() { # a fresh git repository in $work/$1
  mkdir -p "$work/$1"
  cd "$work/$1"
  git init -q .
  git config user.email ci@example.invalid
  git config user.name ci
}

expect_failure() { # expect_failure WHAT GREP -- pre-commit args...
  local what=$1 pattern=$2 out status
  shift 3
  set +e
  out=$("$@" 2>&1)
  status=$?
  set -e
  echo "$out"
  last_output=$out
  if [ $status -eq 0 ]; then
    echo "FAIL: the hook passed on $what"
    exit 1
  fi
  grep -q -- "$pattern" <<<"$out" || { echo "FAIL: $pattern is not in the hook output ($what)"; exit 1; }
}

# 1. An unattached EIP, then its association in another file of the module.
scratch eip
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
expect_failure "an unattached EIP" eip-unattached -- \
  "$pre_commit" try-repo "$repo" infralint --files infra/eip.tf
# The fix: associate the EIP in another file of the module. The hook is given only eip.tf,
# so it must load the module to see the association.
cat > infra/assoc.tf <<'TF'
resource "aws_eip_association" "web" {
  allocation_id = aws_eip.orphan.id
  instance_id   = aws_instance.web.id
}
TF
git add -A
"$pre_commit" try-repo "$repo" infralint --files infra/eip.tf infra/deleted.tf

# 2. A tfvars-only change: the module's volume becomes io1.
scratch tfvars
mkdir infra
cat > infra/main.tf <<'TF'
variable "db_volume_type" {
  type    = string
  default = "gp3"
}
resource "aws_instance" "db" {
  ami           = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.micro"
}
data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}
resource "aws_ebs_volume" "db" {
  availability_zone = "us-east-1a"
  size              = 100
  type              = var.db_volume_type
  iops              = 3000
}
resource "aws_volume_attachment" "db" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.db.id
  instance_id = aws_instance.db.id
}
TF
git add -A
git commit -q -m base
echo 'db_volume_type = "io1"' > infra/terraform.tfvars
git add -A
expect_failure "a tfvars change that makes a volume io1" ebs-io1-to-io2 -- \
  "$pre_commit" try-repo "$repo" infralint --files infra/terraform.tfvars

# 3. The system hook, with the binary on PATH (the one `cargo test` built, else release).
bin=""
for candidate in "$repo/target/debug/infralint" "$repo/target/release/infralint"; do
  if [ -x "$candidate" ]; then bin=$candidate; break; fi
done
if [ -z "$bin" ]; then
  echo "pre-commit hook test: infralint-system SKIPPED: no built binary in target/ (run cargo build)"
else
  mkdir -p "$work/bin"
  ln -sf "$bin" "$work/bin/infralint"
  expect_failure "a tfvars change (infralint-system)" ebs-io1-to-io2 -- \
    env PATH="$work/bin:$PATH" "$pre_commit" try-repo "$repo" infralint-system --files infra/terraform.tfvars
  echo 'db_volume_type = "gp3"' > infra/terraform.tfvars
  git add -A
  env PATH="$work/bin:$PATH" "$pre_commit" try-repo "$repo" infralint-system --files infra/terraform.tfvars

  # 4. An edit in a caller: the old findings of the modules it calls (an io1 volume and an
  #    unattached EIP, located in the module files, not staged) do not block it.
  scratch caller
  mkdir -p modules/disk modules/ip
  cat > main.tf <<'TF'
module "disk" {
  source = "./modules/disk"
}
module "ip" {
  source = "./modules/ip"
}
TF
  cat > modules/disk/main.tf <<'TF'
variable "volume_type" {
  type    = string
  default = "gp3"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = var.volume_type
  iops              = 10000
  encrypted         = true
}
resource "aws_ebs_volume" "logs" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = "io1"
  iops              = 10000
  encrypted         = true
}
resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = "i-0123456789abcdef0"
}
resource "aws_volume_attachment" "logs" {
  device_name = "/dev/sdg"
  volume_id   = aws_ebs_volume.logs.id
  instance_id = "i-0123456789abcdef0"
}
TF
  cat > modules/ip/main.tf <<'TF'
resource "aws_eip" "idle" {
  domain = "vpc"
}
TF
  git add -A
  git commit -q -m base
  # The old findings are there: the whole repository fails.
  expect_failure "the old findings of the modules (all files)" eip-unattached -- \
    env PATH="$work/bin:$PATH" "$pre_commit" try-repo "$repo" infralint-system --all-files
  # A one-line edit of the caller that introduces nothing passes.
  sed -i.bak 's|source = "./modules/ip"|source = "./modules/ip" # the public address|' main.tf
  rm main.tf.bak
  git add -A
  env PATH="$work/bin:$PATH" "$pre_commit" try-repo "$repo" infralint-system --files main.tf
  # An edit that passes io1 to the module fails, on that finding only.
  sed -i.bak 's|source = "./modules/disk"|source      = "./modules/disk"\
  volume_type = "io1"|' main.tf
  rm main.tf.bak
  git add -A
  expect_failure "an io1 argument passed to a module" 'module.disk.aws_ebs_volume.data' -- \
    env PATH="$work/bin:$PATH" "$pre_commit" try-repo "$repo" infralint-system --files main.tf
  if grep -q -e eip-unattached -e aws_ebs_volume.logs <<<"$last_output"; then
    echo "FAIL: the hook reported the modules' old findings on an edit of the caller"
    exit 1
  fi
fi
echo "pre-commit hooks: all passed"
