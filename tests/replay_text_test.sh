#!/usr/bin/env bash
# tests/replay_text_test.sh: text traces of `replay` and `sim --seed` as a
# person reads them. Times are h:mm:ss.mmm (Nd h:mm:ss.mmm past a day); data
# events are left out by default and counted, shown with --verbose; --quiet
# prints no trace; JSON output does not change with --verbose.
set -u
pipecheck=$1
scenarios=$2
python=/usr/bin/python3
scenario=$scenarios/cp-add-and-remove-tables.json

jsonl=$(mktemp) || exit 1
trap 'rm -f "$jsonl"' EXIT
fail() { echo "FAILED: $1"; exit 1; }
claim() { printf '%s ... ' "$1"; }
ok() { echo ok; }

# The trace lines of a replay's text: everything between the "==" header and
# the verdict lines (which start with two spaces and a word, or PASS/FAIL).
trace_lines() { grep -E '^ *([0-9]+d )?[0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' <<<"$1"; }
# The kind column is nine wide and a space follows: "data", six spaces, the name.
data_kind=' data {6}[a-z_]+'
hidden_line() { grep -E '^ +\.\.\. [0-9]+ data events? hidden; --verbose shows them$' <<<"$1"; }

default=$("$pipecheck" replay "$scenario") || fail "replay exited $?"
verbose=$("$pipecheck" replay --verbose "$scenario") || fail "replay --verbose exited $?"
quiet=$("$pipecheck" replay --quiet "$scenario") || fail "replay --quiet exited $?"

claim "every trace line of replay starts with its time as h:mm:ss.mmm, and no old unit spelling is left"
[ "$(trace_lines "$verbose" | wc -l)" -gt 10 ] || fail "too few trace lines in:\n$verbose"
body=$(sed -n '2,/^  \(met\|NOT MET\|VIOLATED\)/p' <<<"$verbose" | sed '$d')
[ "$(trace_lines "$verbose")" = "$body" ] || fail "a trace line without an h:mm:ss.mmm time: $(diff <(trace_lines "$verbose") <(echo "$body"))"
! grep -qE '^ *[0-9]+(ms|s|m|h|d) ' <<<"$verbose" || fail "old time spelling left"
grep -q '^   0:05:00.000 pipe 0 event     provisioned Provisioning -> Setup' <<<"$verbose" || fail "provisioned at 5m not spelled 0:05:00.000"
ok

claim "replay by default shows operations, events and faults but no data event"
trace_lines "$default" | grep -q ' operation ' || fail "no operation shown"
trace_lines "$default" | grep -q ' event ' || fail "no event shown"
! trace_lines "$default" | grep -qE "$data_kind" || fail "a data event shown by default"
! grep -q 'cdc_batch\|snapshot_table' <<<"$default" || fail "cdc_batch or snapshot_table shown by default"
ok

claim "replay says how many data events it left out, and that number is what --verbose adds"
data=$(trace_lines "$verbose" | grep -cE "$data_kind")
[ "$data" -gt 0 ] || fail "the scenario has no data events"
line=$(hidden_line "$default") || fail "no hidden-count line in:\n$default"
[ "$line" = "$(printf '%14s %s data events hidden; --verbose shows them' ... "$data")" ] || fail "hidden line '$line', expected $data"
[ $(( $(trace_lines "$default" | wc -l) + data )) -eq "$(trace_lines "$verbose" | wc -l)" ] || fail "shown + hidden != all"
ok

claim "replay --verbose shows the data events and no hidden-count line"
grep -q ' data      cdc_batch: ' <<<"$verbose" || fail "no cdc_batch with --verbose"
! hidden_line "$verbose" >/dev/null || fail "hidden line with --verbose"
ok

claim "replay --quiet prints no trace and no hidden-count line, with or without --verbose"
[ -z "$(trace_lines "$quiet")" ] && ! hidden_line "$quiet" >/dev/null || fail "trace in --quiet: $quiet"
[ "$("$pipecheck" replay --quiet --verbose "$scenario")" = "$quiet" ] || fail "--quiet --verbose differs"
ok

claim "the verdicts and the PASS line are the same with and without --verbose"
[ "$(grep -v -E '^ *([0-9]+d )?[0-9]+:|^ +\.\.\. ' <<<"$default")" = "$(grep -v -E '^ *([0-9]+d )?[0-9]+:' <<<"$verbose")" ] || fail "verdicts differ"
ok

claim "replay --format json is one object a line per file, the same with --verbose, times in milliseconds"
json=$("$pipecheck" replay --format json "$scenario" "$scenarios/cp-cdc-happy-path.json") || fail "json exited $?"
[ "$json" = "$("$pipecheck" replay --format json --verbose "$scenario" "$scenarios/cp-cdc-happy-path.json")" ] || fail "--verbose changed json"
"$python" -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    d = json.loads(line)
    assert {"file", "passed", "trace_hash", "properties"} <= set(d), d
' <<<"$json" || fail "json lines"
ok

claim "sim --seed text hides data events by default and --verbose shows them"
simargs=(sim --model clickpipe --seed 3 --duration 6h --faults none)
sim_default=$("$pipecheck" "${simargs[@]}") || fail "sim exited $?"
sim_verbose=$("$pipecheck" "${simargs[@]}" --verbose) || fail "sim --verbose exited $?"
sim_data=$(trace_lines "$sim_verbose" | grep -cE "$data_kind")
[ "$sim_data" -gt 0 ] || fail "seed 3 has no data events"
[ "$(hidden_line "$sim_default")" = "$(printf '%14s %s data events hidden; --verbose shows them' ... "$sim_data")" ] || fail "sim hidden line"
! trace_lines "$sim_default" | grep -qE "$data_kind" || fail "sim shows data by default"
ok

claim "sim --seed --verbose text has the jsonl trace's events, each at its t_ms spelled h:mm:ss.mmm"
"$pipecheck" "${simargs[@]}" --format jsonl >"$jsonl" || fail "sim jsonl exited $?"
trace_lines "$sim_verbose" | "$python" -c '
import json, re, sys
events = [json.loads(line) for line in open(sys.argv[1])]
lines = sys.stdin.read().splitlines()
assert len(lines) == len(events), (len(lines), len(events))
for line, event in zip(lines, events):
    m = re.match(r" *(?:(\d+)d )?(\d+):(\d\d):(\d\d)\.(\d{3}) ", line)
    d, h, mi, s, ms = (int(x or 0) for x in m.groups())
    t = (((d * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms
    assert t == event["t_ms"] and event["what"] in line, (line, event)
' "$jsonl" || fail "text and jsonl disagree"
ok
