#!/usr/bin/env bash
# tests/limits_test.sh: long runs that say what stopped them and what they are
# doing (issue 13, items 4 and 5): an incomplete check names its limit and
# prints nothing it did not establish; --max-memory bounds the process's
# peak resident memory; Ctrl-C stops check and sim with the summary so far
# (exit 3); sim has --time-limit and a JSON summary; progress is plain lines
# in a log and a redrawn line only when asked for one. Issue 21: the limits
# hold inside one long run (a year-long sim seed, a replay with a fault at
# 3000 days), SIGTERM stops a run as Ctrl-C does, and an empty history is bad
# input.
# Usage: limits_test.sh PIPECHECK [SANITIZED]  (SANITIZED=ON: a sanitizer
# build, whose shadow memory and quarantine are not the program's; the
# memory bound is not judged there).
set -u
pipecheck=$1
sanitized=${2:-OFF}
python=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
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

# One seed of a year: about 20 s and 1 GB when run to its end.
for signal in INT TERM; do
  claim "SIG$signal in the middle of one year-long sim seed stops it with the summary so far, exit 3"
  "$pipecheck" sim --model clickpipe --seeds 1..1 --duration 365d > "seed-$signal.txt" 2>&1 &
  pid=$!
  sleep 2
  kill "-$signal" "$pid"
  start=$SECONDS
  wait "$pid"; code=$?
  [ "$code" -eq 3 ] || fail "exit $code: $(tail -n 5 "seed-$signal.txt")"
  [ $((SECONDS - start)) -le 3 ] || fail "took $((SECONDS - start)) s to stop"
  [ "$signal" = INT ] && name=Ctrl-C || name=SIGTERM
  grep -qE "^stopped by interrupt \($name\) after 1 of 1 seeds \(1\.\.1\), seed 1 cut at [0-9]+d [0-9:.]+ of 365d, after " "seed-$signal.txt" || fail "$(tail -n 8 "seed-$signal.txt")"
  grep -q '^runs: 1 ' "seed-$signal.txt" && grep -q '^verdict: incomplete (stopped by interrupt)$' "seed-$signal.txt" || fail "no summary"
  ok
done

claim "SIGTERM stops a long check cleanly: the summary so far, stopped_by interrupt, exit 3"
"$pipecheck" check --model clickpipe --pipes 4 --format json > terminated.json 2> terminated.err &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"; code=$?
[ "$code" -eq 3 ] || fail "exit $code: $(cat terminated.err)"
json terminated.json 'assert d["stopped_by"] == "interrupt" and d["stopped"]["limit"] == "SIGTERM" and d["states"] > 0, d.get("stopped")' || fail
ok
set +m

claim "sim --time-limit 2s stops inside one year-long seed within seconds, exit 3, naming the limit"
start=$SECONDS
"$pipecheck" sim --model clickpipe --seeds 1..1 --duration 365d --time-limit 2s > year.txt; code=$?
took=$((SECONDS - start))
[ "$code" -eq 3 ] || fail "exit $code"
[ "$took" -le 8 ] || fail "took $took s"
grep -qE '^stopped by time_limit \(--time-limit 2s\) after 1 of 1 seeds \(1\.\.1\), seed 1 cut at [0-9]+d [0-9:.]+ of 365d, ' year.txt || fail "$(grep -v '^ ' year.txt)"
grep -q '^verdict: incomplete (stopped by time_limit)$' year.txt || fail "no verdict line"
ok

claim "sim --max-memory 128M stops one year-long seed by max_memory, its JSON says so, its peak near the limit"
peak=$("$python" -c '
import resource, subprocess, sys
with open("year.json", "w") as out:
    code = subprocess.run(sys.argv[1:], stdout=out, stderr=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$pipecheck" sim --model clickpipe --seeds 1..1 --duration 365d --max-memory 128M --format json)
read -r code peak_kib <<<"$peak"
[ "$code" -eq 3 ] || fail "exit $code"
json year.json '
assert d["verdict"] == "incomplete" and d["stopped_by"] == "max_memory", d.get("stopped_by")
s = d["stopped"]
assert s["limit"] == "--max-memory 128M" and s["cut_seed"] == 1 and 0 < s["cut_at_ms"] < 365 * 86400000, s
assert s["memory_bytes"] > 128 << 20 and d["runs"] == 1, s
' || fail
if [ "$sanitized" != ON ]; then
  echo "peak $peak_kib KiB of $((128 * 1024)) KiB"
  [ "$peak_kib" -le $((128 * 1024 * 110 / 100)) ] || fail "peak $peak_kib KiB over 110% of the limit"
fi
ok

# A scenario whose fault is at 3000 days: run to its end it would take hours
# and tens of GB.
cat > late-fault.json <<'EOF_SCENARIO'
{"format": "pipecheck-scenario/1", "name": "late-fault", "model": "clickpipe", "seed": 3,
 "config": {"mode": "cdc", "writes_per_second": 2},
 "steps": [{"at": "0s", "do": "create"}, {"at": "3000d", "fault": "compute_crash"}],
 "run_until": "3001d"}
EOF_SCENARIO

claim "replay --time-limit 2s stops a scenario with a fault at 3000 days inside its run, exit 3"
start=$SECONDS
"$pipecheck" replay --time-limit 2s late-fault.json "$here/scenarios/cp-cdc-happy-path.json" > late.txt; code=$?
took=$((SECONDS - start))
[ "$code" -eq 3 ] || fail "exit $code"
[ "$took" -le 8 ] || fail "took $took s"
grep -qE '^stopped by time_limit \(--time-limit 2s\) at [0-9]+d [0-9:.]+ of 3001d, after ' late.txt || fail "$(grep -v '^ ' late.txt)"
grep -q '^INCOMPLETE: late-fault.json ' late.txt || fail "no INCOMPLETE line"
grep -q '^NOT RUN (stopped by time_limit: --time-limit 2s): .*cp-cdc-happy-path.json$' late.txt || fail "the next file is not named"
! grep -q '^PASS' late.txt || fail "a stopped replay says PASS"
ok

claim "replay --max-memory 96M --format json stops it by max_memory: stopped_by on its line, the next file not run"
"$pipecheck" replay --max-memory 96M --format json late-fault.json "$here/scenarios/cp-cdc-happy-path.json" > late.jsonl; code=$?
[ "$code" -eq 3 ] || fail "exit $code"
# A sanitizer build's process is over 96 MiB before the first event, so its
# first file is not run at all: only the exit code is judged there.
[ "$sanitized" = ON ] && echo "not judged in a sanitizer build" || "$python" - late.jsonl <<'EOF_PY' || fail
import json, sys
first, second = [json.loads(line) for line in open(sys.argv[1])]
assert first["stopped_by"] == "max_memory" and not first["passed"], first.get("stopped")
assert first["stopped"]["limit"] == "--max-memory 96M" and first["stopped"]["at_ms"] < first["stopped"]["run_until_ms"]
assert all(p["verdict"] in ("unknown", "violated", "witnessed") for p in first["properties"])
assert second["not_run"] and second["stopped_by"] == "max_memory" and not second["passed"], second
EOF_PY
ok

claim "a replay the limits do not stop is the same run: same trace hash as with no limit named"
"$pipecheck" replay --format json "$here/scenarios/cp-cdc-happy-path.json" > unlimited.jsonl || fail "exit $?"
"$pipecheck" replay --format json --time-limit 1h --max-memory 4G "$here/scenarios/cp-cdc-happy-path.json" > limited.jsonl || fail "exit $?"
cmp -s unlimited.jsonl limited.jsonl || fail "$(diff unlimited.jsonl limited.jsonl | head -3)"
ok

claim "validate of an empty history exits 2 with one line naming the file"
: > empty.jsonl
"$pipecheck" validate --model clickpipe empty.jsonl > empty.out 2> empty.err; code=$?
[ "$code" -eq 2 ] || fail "exit $code"
[ ! -s empty.out ] && [ "$(wc -l < empty.err)" -eq 1 ] || fail "$(cat empty.out empty.err)"
grep -qx 'pipecheck: error: no observations: .* (empty.jsonl)' empty.err || fail "$(cat empty.err)"
ok

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
