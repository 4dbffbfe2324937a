#!/usr/bin/env bash
# The helpers' Windows code, run on Linux under Wine (Debian's wine64; .ci/run installs it):
#   1. the Multiprocessing and Threading tests, as one self-contained win-x64 program (tests/WindowsTests);
#   2. lesson 03 (processes, Lock, RLock, Value, Array, Barrier, a dead holder's lock, its exercises'
#      checks), published as a self-contained win-x64 program, as a Windows student runs it. (Lesson
#      01 passes too, but its start-time measurements take a minute under Wine, and CI's whole run is
#      kept under 25 minutes.)
# Everything comes from Debian's and NuGet's packages. A failure, a lesson check that says ✗, or a run
# that outlives its time limit fails the script; xunit names a test still running after 60 s.
# Usage: bash tools/wine-tests.sh [TEST_TIME_LIMIT_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wine >/dev/null || { echo "wine is required (Debian: apt-get install wine64 wine)" >&2; exit 1; }
limit=${1:-420}
start=$SECONDS
work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
# No debugger on a crash (it would wait for ever); the CLR's W^X mapping trips on Wine (a crash in a
# finalizer of dynamic methods), so it is off here, as for any program that runs .NET under Wine.
export WINEDLLOVERRIDES="winedbg.exe=d" DOTNET_EnableWriteXorExecute=0
cleanup() { wineserver -k 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== Wine: $(wine --version), prefix $WINEPREFIX"
mkdir -p "$WINEPREFIX"
wineserver -p 60 # The server stays up between programs: each start is then about 0.3 s, not 2.
wineboot -i >/dev/null 2>&1

echo "== Publishing the tests for win-x64 (self-contained)"
# The host first, then the tests beside it (each publish keeps to its own files).
dotnet publish tests/WindowsTests -c Release -r win-x64 --self-contained -o "$work/tests" --nologo -v quiet
dotnet publish tests/Helpers.Tests -c Release -r win-x64 --self-contained -o "$work/tests" --nologo -v quiet
echo "== The Multiprocessing and Threading tests under Wine (limit ${limit} s an attempt)"
# xunit reports a test still running after 60 s (a diagnostic message), so a hang names its test.
echo '{ "longRunningTestSeconds": 60, "diagnosticMessages": true }' >"$work/xunit.runner.json"
# A run that hangs (no CPU, a test named long running) is run once more: on 2026-12-05 a queue test
# and a cleanup test each hung once under Wine, not understood yet, while the same code passed in
# the runs before and after. A failed test fails at once; a second hang fails too.
for attempt in 1 2; do
  status=0
  timeout --kill-after=10 "$limit" wine "$work/tests/WindowsTests.exe" \
    "$(winepath -w "$work/tests/Helpers.Tests.dll")" "$(winepath -w "$work/xunit.runner.json")" \
    -namespace Helpers.Tests.Multiprocessing -namespace Helpers.Tests.Threading -parallel none -verbose -nologo -nocolor || status=$?
  if [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then
    break
  fi
  echo "The Windows tests did not finish within ${limit} s (attempt $attempt): the test named as long running above is the one that hung." >&2
  wineserver -k || true
  wineserver -p 60
done

for lesson in 03-process-locks-and-shared-memory; do
  echo "== Lesson $lesson under Wine"
  dotnet publish "lessons/$lesson.cs" -r win-x64 --self-contained -p:PublishAot=false -o "$work/$lesson" --nologo -v quiet
  log="$work/$lesson.log"
  # Its exercises' checks print ✓ or ✗ at the start of a line, in UTF-8 (a ? would be a console in its code page).
  if timeout --kill-after=10 600 wine "$work/$lesson/$lesson.exe" >"$log" 2>&1 && ! grep -q '^✗' "$log" && grep -q '^✓' "$log"; then
    echo "ok ($(grep -c '^✓' "$log") checks passed)"
  else
    cat "$log"
    echo "Lesson $lesson FAILED under Wine" >&2
    status=1
  fi
done
echo "== Wine part: $((SECONDS - start)) s"
exit "$status"
