# Shared by the shell tests: sourced, never run. Each check counts as passed or failed;
# a failure is said on a line of its own ("FAIL: what"), a pass too when it has a name
# ("ok   what"). `finish` prints the totals and ends the script: 0 when all passed, 1 on
# a failure, 77 (ctest's SKIP_RETURN_CODE) when a check could not run and none failed.
passed=0
failed=0
skipped=0

pass() { # pass [WHAT]
  passed=$((passed + 1))
  [ $# -eq 0 ] || echo "ok   $*"
}
fail() { # fail WHAT
  failed=$((failed + 1))
  echo "FAIL: $*"
}
skip() { # skip WHAT
  skipped=$((skipped + 1))
  echo "skip: $*"
}
check() { # check WHAT COMMAND...: passes when the command succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
check_sh() { # check_sh WHAT 'SHELL TEXT': passes when the text, run by eval, succeeds
  local what=$1
  shift
  if eval "$@"; then pass "$what"; else fail "$what"; fi
}
# no_match GREP-ARGS...: grep ran and found nothing (a missing file or a grep error fails)
no_match() {
  grep -q "$@"
  [ $? -eq 1 ]
}
finish() {
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
  else echo "$passed passed, $failed failed"; fi
  [ "$failed" -eq 0 ] || exit 1
  [ "$skipped" -eq 0 ] || exit 77
  exit 0
}
