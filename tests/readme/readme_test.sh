#!/usr/bin/env bash
# The README, followed literally (issue 6): the shell commands of its "Two commands" and
# "Walkthrough" code blocks are extracted in order and run exactly as written, one at a time in one
# shell (so `Z=...` carries over), each checked for its exit code and for the line that says it did
# its job. Editing the README into something that does not work fails this test.
#
#   readme_test.sh walkthrough SOURCE_DIR BUILD_DIR [README]   follow the README
#   readme_test.sh ops         SOURCE_DIR BUILD_DIR [README]   its operator line is `zkinfer ops --markdown`
#   readme_test.sh selftest    SOURCE_DIR BUILD_DIR            broken READMEs must fail `walkthrough`
#
# Where the commands run: a temporary directory that looks like the checkout (a symbolic link to each
# top-level entry of SOURCE_DIR) except that build/ is BUILD_DIR, the tree ctest is running from. In
# CI BUILD_DIR is the checkout's build/ anyway (scripts/test.sh); in a developer's own build
# directory the README's `build/...` paths then still mean the binaries under test, and the files
# the walkthrough writes land in the temporary directory, not in the checkout.
#
# Skipped: `bash scripts/test.sh`, the second of the two commands. It builds and runs the whole
# test suite, this test included: it is what runs this test, in CI (.ci/run) and for a user.
# `bash scripts/demo.sh` runs in full: its install step is a no-op when the packages are present,
# and its build step finds BUILD_DIR configured and zkinfer up to date.
set -uo pipefail
shopt -s extglob  # before the functions below are parsed: expected_output's patterns use it

mode=${1:?mode}
src=$(cd "${2:?SOURCE_DIR}" && pwd)
bin=$(cd "${3:?BUILD_DIR}" && pwd)
readme=${4:-$src/README.md}

fail() {
  printf 'readme_test: FAIL: %s\n' "$*" >&2
  exit 1
}

# The lines of the first ```sh block after the heading that starts with "## $1", blank lines and
# whole-line comments left out.
block() {
  awk -v want="## $1" '
    index($0, want) == 1 { in_section = 1; next }
    in_section && /^## / { exit }
    in_section && !in_block && /^```sh[[:space:]]*$/ { in_block = 1; next }
    in_block && /^```/ { exit }
    in_block && !/^[[:space:]]*(#|$)/ { print }
  ' "$readme"
}

# What each command must print (stdout and stderr together) besides exiting 0.
expected_output() {
  local line=$1
  case "$line" in
    "bash scripts/demo.sh"*) echo '^verified' ;;  # its last step is `zkinfer verify`
    *'$Z run '* | *'zkinfer run '*) echo 'max abs error' ;;
    *'$Z compile '* | *'zkinfer compile '*) echo '^compiled ' ;;
    *'$Z setup '* | *'zkinfer setup '*) echo '^setup: wrote ' ;;
    *'$Z prove '* | *'zkinfer prove '*) echo '^proved: ' ;;
    *'$Z verify '* | *'zkinfer verify '*) echo '^verified' ;;
    *'$Z inspect '* | *'zkinfer inspect '*) echo ': (compiled model|proving key|verifying key|proof) \(' ;;
    *'$Z ops'* | *'zkinfer ops'*) echo '`Conv`' ;;
    [A-Za-z_]*([A-Za-z0-9_])=+([^ ])) echo '' ;;  # a variable for the next lines
    *) return 1 ;;
  esac
}

make_view() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/zkinfer-readme.XXXXXX") || fail "mktemp"
  trap 'rm -rf "$work"' EXIT
  for entry in "$src"/* "$src"/.[!.]*; do
    [ -e "$entry" ] || continue
    [ "$(basename "$entry")" = build ] && continue
    ln -s "$entry" "$work/$(basename "$entry")"
  done
  ln -s "$bin" "$work/build"
}

walkthrough() {
  local two walk
  two=$(block "Two commands") || fail "cannot read $readme"
  walk=$(block "Walkthrough")
  [ -n "$two" ] || fail "no \`\`\`sh block under a '## Two commands' heading in $readme"
  [ -n "$walk" ] || fail "no \`\`\`sh block under a '## Walkthrough' heading in $readme"
  make_view
  cd "$work" || fail "cd $work"
  # demo.sh's output folder (mktemp) is then inside $work and removed with it.
  export TMPDIR=$work
  local n=0 line pattern log="$work/.readme_test_output"
  while IFS= read -r line; do
    if [[ $line == "bash scripts/test.sh"* ]]; then
      printf 'skipped (it runs this test): %s\n' "$line"
      continue
    fi
    pattern=$(expected_output "$line") ||
      fail "no expected output is known for the README command '$line': add it to expected_output in $0"
    n=$((n + 1))
    printf '$ %s\n' "$line"
    # shellcheck disable=SC2294  # the README's text is the command, exactly as written
    eval "$line" >"$log" 2>&1 </dev/null
    local code=$?
    sed 's/^/    /' "$log"
    [ "$code" -eq 0 ] || fail "'$line' exited with $code"
    if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$log"; then
      fail "'$line' did not print a line matching /$pattern/"
    fi
  done <<<"$two"$'\n'"$walk"
  printf 'readme_test: %d README commands ran and printed what they should\n' "$n"
}

ops() {
  local line
  line=$("$bin/src/cli/zkinfer" ops --markdown) || fail "zkinfer ops --markdown failed"
  [ -n "$line" ] || fail "zkinfer ops --markdown printed nothing"
  grep -qxF -- "$line" "$readme" ||
    fail "README's operator line differs from \`zkinfer ops --markdown\`; replace it with:"$'\n'"$line"
  echo "readme_test: the README lists exactly the operators of zkinfer ops"
}

# Each broken README must make `walkthrough` fail, with the reason expected. The demo line is
# dropped from every copy (it passes on its own above and takes seconds); each breakage is in
# the walkthrough's first commands, so these runs stop within a second.
selftest() {
  # Global, not local: the EXIT trap runs after the function has returned.
  dir=$(mktemp -d "${TMPDIR:-/tmp}/zkinfer-readme-self.XXXXXX") || fail "mktemp"
  trap 'rm -rf "$dir"' EXIT
  local base="$dir/base.md"
  grep -v '^bash scripts/demo.sh' "$readme" >"$base"
  expect_failure() {
    local name=$1 why=$2 out
    shift 2
    sed "$@" "$base" >"$dir/$name.md"
    cmp -s "$base" "$dir/$name.md" && fail "self-test '$name': the sed script changed nothing"
    if out=$(bash "$0" walkthrough "$src" "$bin" "$dir/$name.md" 2>&1); then
      fail "self-test '$name': a README with $why passed"$'\n'"$out"
    fi
    grep -q 'readme_test: FAIL' <<<"$out" || fail "self-test '$name': failed without saying why"$'\n'"$out"
    echo "self-test: a README with $why fails: $(grep 'readme_test: FAIL' <<<"$out")"
  }
  expect_failure no_walkthrough "no Walkthrough section" 's/^## Walkthrough/## Tour/'
  expect_failure missing_file "a command that fails" '0,/^\$Z run /s/lenet5-input.json/no-such-input.json/'
  expect_failure wrong_output "a command that prints the wrong thing" '0,/^\$Z run /s/^\$Z run .*/$Z run --help/'
  expect_failure unknown_command "a command the test has no check for" '/^Z=/a echo hello'
  expect_failure bracketed_options "an optional-argument placeholder" \
    's/^\$Z run \(.*\)$/$Z run \1 [--preset cost]/'
}

case "$mode" in
  walkthrough) walkthrough ;;
  ops) ops ;;
  selftest) selftest ;;
  *) fail "unknown mode '$mode'" ;;
esac
