#!/usr/bin/env bash
# tests/limits_test.sh: long runs that say what stopped them and what they are
# doing (issue 13, items 4 and 5): an incomplete check names its limit and
# prints nothing it did not establish; --max-memory bounds the process's
# peak resident memory; Ctrl-C stops check and sim with the summary so far
# (exit 3); sim has --time-limit and a JSON summary; progress is plain lines
# in a log and a redrawn line only when asked for one.
# Usage: limits_test.sh PIPECHECK [SANITIZED]  (SANITIZED=ON: a sanitizer
# build, whose shadow memory and quarantine are not the program's; the
# memory bound is not judged there).
set -u
pipecheck=$1
sanitized=${2:-OFF}
python=/usr/bin/python3
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

current=""
fail() { echo "FAILED${1:+: $1}"; echo "claim does not hold: $current"; exit 1; }
claim() { [ -z "$current" ] || fail; current=$1; printf '%s ... ' "$1"; }
ok() { current=""; echo ok; }
json() { "$python" -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

claim "a check stopped by --max-states, logged to a file, is plain lines ending with the limit"
"$pipecheck" check --model clickpipe --pipes 3 --max-states 100000 > log 2>&1; code=$?
[ "$code" -eq 3 ] || fail "exit $code, expected 3"
! grep -q $'\r' log || fail "a carriage return in the log"
[ "$(tail -n 1 log)" = "verdict: incomplete (stopped by max_states: --max-states 100000)" ] || fail "last line: $(tail -n 1 log)"
grep -q '^stopped by max_states (--max-states 100000) in the search at 100,0[0-9][0-9] states, ' log || fail "no stop line with counts"
ok

claim "an incomplete check prints no deadlocks, coverage or unreachable states it did not establish"
! grep -qE '^(deadlocks|coverage|unreachable declared states|reachable):' log || fail "$(grep -E '^(deadlocks|coverage|unreachable|reachable)' log)"
grep -q '^so far (not established' log || fail "no labelled so-far section"
! grep -qE '^  (holds|unwitnessed) ' log || fail "a verdict the search did not establish"
ok

claim "an incomplete check's JSON says stopped_by and where, and keeps only what it saw"
"$pipecheck" check --model clickpipe --pipes 3 --max-states 100000 --format json > check.json; code=$?
[ "$code" -eq 3 ] || fail "exit $code"
json check.json '
assert d["verdict"] == "incomplete"
assert d["stopped_by"] == "max_states", d.get("stopped_by")
s = d["stopped"]
assert s["in"] == "search" and s["limit"] == "--max-states 100000" and s["states"] > 100000 and s["frontier"] > 0, s
for key in ("deadlocks", "coverage", "unreachable_declared", "reachable"):
    assert key not in d, key
assert set(d["so_far"]) == {"reached", "deadlocks", "rows_taken"}
assert all(p["verdict"] in ("unknown", "violated", "witnessed") for p in d["properties"])
' || fail
ok

claim "a complete check has no stopped_by and keeps its results"
"$pipecheck" check --model mongosync --format json > complete.json || fail "exit $?"
json complete.json 'assert "stopped_by" not in d and "so_far" not in d and d["deadlocks"] == [] and d["coverage"]' || fail
ok

claim "check --pipes 3 --max-memory 64M stops by max_memory with its peak resident memory within 10% of 64 MiB"
if [ "$sanitized" = ON ]; then
  echo "not judged in a sanitizer build"; current=""
else
  peak_kib=$("$python" -c '
import resource, subprocess, sys
with open("memory.json", "w") as out:
    code = subprocess.run(sys.argv[1:], stdout=out, stderr=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$pipecheck" check --model clickpipe --pipes 3 --symmetry off --max-memory 64M --format json)
  read -r code peak_kib <<<"$peak_kib"
  [ "$code" -eq 3 ] || fail "exit $code"
  json memory.json 'assert d["stopped_by"] == "max_memory", d.get("stopped_by"); assert d["stopped"]["memory_bytes"] <= 64 << 20' || fail
  limit_kib=$((64 * 1024))
  echo "peak $peak_kib KiB of $limit_kib KiB"
  [ "$peak_kib" -le $((limit_kib * 110 / 100)) ] || fail "peak $peak_kib KiB over 110% of the limit"
  [ "$peak_kib" -ge $((limit_kib * 90 / 100)) ] || fail "peak $peak_kib KiB: stopped under 90% of the limit"
  ok
fi

# Job control: a background job then keeps SIGINT (a shell without it ignores SIGINT for its jobs).
set -m

claim "Ctrl-C stops a check cleanly: the summary so far, stopped_by interrupt, exit 3"
"$pipecheck" check --model clickpipe --pipes 3 --symmetry off --format json > interrupted.json 2> interrupted.err &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"; code=$?
[ "$code" -eq 3 ] || fail "exit $code: $(cat interrupted.err)"
json interrupted.json 'assert d["stopped_by"] == "interrupt" and d["stopped"]["limit"] == "Ctrl-C" and d["states"] > 0, d.get("stopped")' || fail
ok

claim "Ctrl-C stops a sim campaign cleanly: the summary of the seeds run, exit 3"
"$pipecheck" sim --model clickpipe --seeds 1..1000000000 --duration 6h > sim-interrupted.txt 2>&1 &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"; code=$?
[ "$code" -eq 3 ] || fail "exit $code"
grep -q '^stopped by interrupt (Ctrl-C) after [0-9,]* of 1,000,000,000 seeds (1\.\.[0-9]*)' sim-interrupted.txt || fail "$(cat sim-interrupted.txt)"
grep -q '^runs: [1-9]' sim-interrupted.txt && grep -q '^trace digest: ' sim-interrupted.txt || fail "no summary"
ok
set +m

claim "sim --time-limit ends an unbounded range with a JSON summary that says so"
start=$SECONDS
"$pipecheck" sim --model clickpipe --seeds 1..1000000000000000000 --duration 6h --time-limit 2s --format json > sim.json; code=$?
[ "$code" -eq 3 ] || fail "exit $code"
[ $((SECONDS - start)) -le 30 ] || fail "took $((SECONDS - start)) s"
json sim.json '
assert d["stopped_by"] == "time_limit" and d["verdict"] == "incomplete", d.get("stopped_by")
assert d["seeds"] == {"first": 1, "last": 10**18}
assert d["runs"] >= 1 and d["stopped"]["last_seed"] == d["runs"]
' || fail
ok

claim "sim --format json over a range is one summary object with the text summary's counts"
"$pipecheck" sim --model clickpipe --seeds 1..20 --duration 6h --faults swarm --check-determinism --format json > range.json || fail "exit $?"
"$pipecheck" sim --model clickpipe --seeds 1..20 --duration 6h --faults swarm --check-determinism > range.txt || fail "exit $?"
json range.json '
import re
text = open("range.txt").read()
assert d["runs"] == 20 and "stopped_by" not in d and d["verdict"] == "pass"
assert "runs: 20   simulated events: %d " % d["events"] in text
assert "trace digest: " + d["trace_digest"] in text
assert re.search("faults injected:" + "".join(" %s=%d" % kv for kv in d["faults_injected"].items()), text)
assert d["premises_witnessed"] and d["violations"] == [] and d["determinism"]["same_trace_hash"] == 20
' || fail
ok

claim "progress is off by default when stderr is not a terminal"
"$pipecheck" check --model clickpipe > /dev/null 2> default.err || fail "exit $?"
[ ! -s default.err ] || fail "$(head -c 300 default.err)"
ok

claim "--progress=lines gives plain lines for the search and the liveness pass"
"$pipecheck" check --model clickpipe --symmetry off --progress=lines > /dev/null 2> lines.err || fail "exit $?"
! grep -q $'\r' lines.err || fail "a carriage return"
grep -qE '^search [0-9]+:[0-9]{2}:[0-9]{2}  generated [0-9,]+ \([0-9,]+/s\)  distinct 56,225 \([0-9,]+/s\)  frontier 0  depth [0-9]+  memory [0-9.]+ [KMG]iB  \(done\)$' lines.err || fail "$(cat lines.err)"
grep -qE '^liveness [0-9]+:[0-9]{2}:[0-9]{2}  subject 2 of 2  visited [0-9,]+ of 56,225 states .*\(done\)$' lines.err || fail "$(cat lines.err)"
# With symmetry (the default) the liveness pass is one pass over (state, pipe position) pairs.
"$pipecheck" check --model clickpipe --progress=lines > /dev/null 2> lines.err || fail "exit $?"
grep -qE '^search .*  distinct 28,428 .*\(done\)$' lines.err || fail "$(cat lines.err)"
grep -qE '^liveness [0-9]+:[0-9]{2}:[0-9]{2}  subject 1 of 1  visited [0-9,]+ of 56,856 states .*\(done\)$' lines.err || fail "$(cat lines.err)"
ok

claim "--progress=lines prints a line every few seconds on a long search, then the limit"
"$pipecheck" check --model clickpipe --pipes 4 --symmetry off --time-limit 7s --progress=lines > /dev/null 2> long.err; code=$?
[ "$code" -eq 3 ] || fail "exit $code"
[ "$(grep -cE '^(search|liveness) [0-9]+:[0-9]{2}:[0-9]{2}  ' long.err)" -ge 2 ] || fail "$(cat long.err)"
tail -n 1 long.err | grep -qE '^stopped by time_limit \(--time-limit 7s\) in the (search at|liveness pass after)' || fail "$(tail -n 1 long.err)"
ok

claim "sim progress shows seeds done of the total, rate, violations and an ETA"
"$pipecheck" sim --model clickpipe --seeds 1..5 --duration 6h --progress=lines > /dev/null 2> sim.err || fail "exit $?"
grep -qE '^sim [0-9]+:[0-9]{2}:[0-9]{2}  seeds 5 of 5 \(100\.0%\)  [0-9,]+/s  violations 0  ETA 0:00:00  \(done\)$' sim.err || fail "$(cat sim.err)"
ok

claim "--progress=bar redraws one line even into a file; a bad --progress value exits 2"
"$pipecheck" check --model clickpipe --pipes 3 --max-states 400000 --progress=bar > /dev/null 2> bar.err
grep -q $'\r''search ' bar.err || fail "no redrawn line"
"$pipecheck" check --model clickpipe --progress=loud > /dev/null 2> bad.err; code=$?
[ "$code" -eq 2 ] && grep -qx "pipecheck: error: unknown progress 'loud'; expected bar, lines or off (--progress)" bad.err || fail "exit $code: $(cat bad.err)"
ok

echo "all claims hold"
