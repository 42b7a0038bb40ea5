#!/usr/bin/env bash
# The steps of the infralint GitHub Action (action.yml), one per subcommand, so that the
# composite action holds no logic of its own and tests/action.rs can run each step with a
# fake `cargo`, `infralint` and `gh` on PATH.
#
#   run.sh key       cache key of the build: the action's Cargo.lock and the ref -> $GITHUB_OUTPUT
#   run.sh install   cargo install from the action's checkout (or --git at INFRALINT_REF)
#   run.sh sarif     check -f sarif --fail-on never -o $INFRALINT_SARIF_FILE (never fails on findings)
#   run.sh comment   diff --base $INFRALINT_BASE -f markdown, posted or updated on the pull request
#   run.sh gate      check -f github --fail-on $INFRALINT_FAIL_ON: its exit code is the step's
#
# Inputs come as environment variables (action.yml maps them):
#   INFRALINT_PATHS       paths to check, separated by white space (default: .)
#   INFRALINT_FAIL_ON     error | warning | info | never (empty: the config's, else warning)
#   INFRALINT_CONFIG      a config file (empty: the nearest .infralint.toml)
#   INFRALINT_REF         a git revision of infralint to install instead of the action's own
#   INFRALINT_REPOSITORY  where INFRALINT_REF is fetched from
#   INFRALINT_SARIF_FILE  where the SARIF report goes (default: infralint.sarif)
#   INFRALINT_BASE        the base commit of the pull request (comment)
#   INFRALINT_PR          the pull request's number (comment); GITHUB_REPOSITORY, GH_TOKEN for gh
# and GitHub's own: GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_OS.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
read -r -a paths <<<"${INFRALINT_PATHS:-.}"
if [ ${#paths[@]} -eq 0 ]; then
  paths=(.)
fi
config=()
if [ -n "${INFRALINT_CONFIG:-}" ]; then
  config=(--config "$INFRALINT_CONFIG")
fi

# Where GitHub wants a step's outputs and PATH additions; standard output outside Actions.
output_file=${GITHUB_OUTPUT:-/dev/stdout}
path_file=${GITHUB_PATH:-/dev/null}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

case "${1:-}" in
  key)
    # `hashFiles` only sees the workspace, not the action's checkout: hashed here.
    lock=$(sha256 "$action_path/Cargo.lock")
    echo "key=infralint-${RUNNER_OS:-$(uname -s)}-$lock-${INFRALINT_REF:-action}" >>"$output_file"
    ;;
  install)
    # Its own root, cached by the action: the runner's ~/.cargo/bin (rustup's proxies) is
    # never restored over.
    root=${INFRALINT_ROOT:-$HOME/.infralint}
    if [ -n "${INFRALINT_REF:-}" ]; then
      cargo install --locked --root "$root" \
        --git "${INFRALINT_REPOSITORY:-https://github.com/infralint/infralint}" --rev "$INFRALINT_REF" infralint
    else
      # The build directory is cached too: a cache hit rebuilds nothing.
      CARGO_TARGET_DIR="$action_path/target" cargo install --locked --root "$root" --path "$action_path"
    fi
    echo "$root/bin" >>"$path_file"
    ;;
  sarif)
    # --fail-on never: the report is written, and uploaded by the next step, whatever it
    # finds; the gate is the last step.
    sarif=${INFRALINT_SARIF_FILE:-infralint.sarif}
    infralint check --format sarif --fail-on never --output "$sarif" ${config[@]+"${config[@]}"} "${paths[@]}"
    echo "sarif=$sarif" >>"$output_file"
    ;;
  comment)
    : "${INFRALINT_BASE:?the base commit of the pull request (comment: true runs on pull requests only)}"
    : "${INFRALINT_PR:?the pull request number}"
    : "${GITHUB_REPOSITORY:?owner/name}"
    # A shallow checkout lacks the base commit: fetch it alone.
    if ! git cat-file -e "$INFRALINT_BASE^{commit}" 2>/dev/null; then
      git fetch --no-tags --depth=1 origin "$INFRALINT_BASE"
    fi
    body=$(mktemp)
    trap 'rm -f "$body"' EXIT
    infralint diff --base "$INFRALINT_BASE" --format markdown --fail-on never --output "$body" \
      ${config[@]+"${config[@]}"} "${paths[@]}"
    # The report's first line is its hidden marker: the comment it finds again.
    marker=$(head -n 1 "$body")
    case "$marker" in
      '<!--'*'-->') ;;
      *)
        echo "infralint diff wrote no marker line: $marker" >&2
        exit 2
        ;;
    esac
    existing=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$INFRALINT_PR/comments" \
      --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
    if [ -n "$existing" ]; then
      gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" >/dev/null
      echo "updated comment $existing"
    else
      gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$INFRALINT_PR/comments" -F "body=@$body" >/dev/null
      echo "posted a comment"
    fi
    ;;
  gate)
    fail_on=()
    if [ -n "${INFRALINT_FAIL_ON:-}" ]; then
      fail_on=(--fail-on "$INFRALINT_FAIL_ON")
    fi
    # Annotations on the pull request; the exit code is the step's (and the job's).
    exec infralint check --format github ${fail_on[@]+"${fail_on[@]}"} ${config[@]+"${config[@]}"} "${paths[@]}"
    ;;
  *)
    echo "usage: $0 key|install|sarif|comment|gate" >&2
    exit 2
    ;;
esac
