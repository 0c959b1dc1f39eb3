#!/usr/bin/env bash
# tests/cli_test.sh: the command-line contract of interfaces.md, run as a user
# would run it. Each check states a claim; the script fails on the first one
# that does not hold and says which.
set -u
pipecheck=$1
python=/usr/bin/python3
errfile=$(mktemp) || exit 1
trap 'rm -f "$errfile"' EXIT

# A claim holds only when its checks reach ok. A claim left open (an exit
# code, a json assertion, a grep or anything else in its chain failed) stops
# the script at the next claim or at the end, naming it; bad stops it at once.
current=""
held=0
fail() { echo "FAILED${1:+: $1}"; echo "claim does not hold: $current"; exit 1; }
settle() { [ -z "$current" ] || fail; }
claim() { settle; current=$1; printf '%s ... ' "$1"; }
ok() { [ -n "$current" ] || { echo "ok outside a claim"; exit 1; }; current=""; held=$((held + 1)); echo ok; }
bad() { fail "$1"; }

# Test-only: tests/cli_meta_test.sh sets PIPECHECK_CLI_TEST_FLIP to make one
# expectation false and sees the script fail on that claim. "json" flips a
# json assertion, "grep" a grep of the output.
flip=${PIPECHECK_CLI_TEST_FLIP:-}
clickpipe_states=10
md_inferred_mark='inferred (D1)'
case $flip in
  "") ;;
  json) clickpipe_states=11 ;;
  grep) md_inferred_mark='inferred (D0)' ;;
  *) echo "PIPECHECK_CLI_TEST_FLIP: unknown value '$flip' (json or grep)"; exit 2 ;;
esac

# expect_exit CODE CMD...: runs CMD, keeps stdout in $out and stderr in $err.
expect_exit() {
  local code=$1; shift
  out=$("$@" 2>"$errfile"); local got=$?
  err=$(cat "$errfile")
  [ "$got" -eq "$code" ] || { bad "exit $got, expected $code: $*"; return 1; }
}
one_error_line() {
  [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || { bad "stderr is not one line: $err"; return 1; }
  [[ "$err" == "pipecheck: error: "*"("*")" ]] || { bad "stderr not 'pipecheck: error: WHAT (WHERE)': $err"; return 1; }
  [ -z "$out" ] || { bad "stdout not empty on error: $out"; return 1; }
}
json() { "$python" -c "import json,sys; d=json.load(sys.stdin); $1" <<<"$out"; }

claim "spec lists the 10 current ClickPipe states, 3 modes, and cited rows"
expect_exit 0 "$pipecheck" spec --model clickpipe --format json &&
  json 'assert len(d["states"])=='"$clickpipe_states"', d["states"]; assert d["modes"]==["cdc","cdc_only","snapshot"]; assert all(t["source"] and t["status"] in ("stated","inferred") for t in d["transitions"]); assert {s["name"]:s["kind"] for s in d["states"]}["Completed"]=="terminal"' && ok

claim "spec --profile 2024 lists 7 states with Degraded declared_only"
expect_exit 0 "$pipecheck" spec --model clickpipe --profile 2024 --format json &&
  json 'k={s["name"]:s["kind"] for s in d["states"]}; assert len(k)==7, k; assert k["Degraded"]=="declared_only"; assert not any(t["to"]=="Degraded" for t in d["transitions"])' && ok

claim "spec lists the 6 mongosync states and its API operations"
expect_exit 0 "$pipecheck" spec --model mongosync --format json &&
  json 'assert [s["name"] for s in d["states"]]==["IDLE","RUNNING","PAUSED","COMMITTING","COMMITTED","REVERSING"]; ops={t["name"] for t in d["triggers"] if t["kind"]=="operation"}; assert {"start","pause","resume","commit","reverse","progress"} <= ops, ops' && ok

claim "spec --format md marks inferred rows"
expect_exit 0 "$pipecheck" spec --model clickpipe --format md &&
  grep -qF "$md_inferred_mark" <<<"$out" && grep -q '| `Running` |' <<<"$out" && ok

claim "resume in Running is refused with HTTP 400 'ClickPipe is already running'"
expect_exit 0 "$pipecheck" step --model clickpipe --state Running --do resume --format json &&
  json 'assert d=={"accepted":False,"from":"Running","to":"Running","error":{"http_status":400,"message":"ClickPipe is already running"}}, d' && ok

claim "initial_load_done in Snapshot goes to Completed for a snapshot pipe"
expect_exit 0 "$pipecheck" step --model clickpipe --state Snapshot --do initial_load_done --mode snapshot --format json &&
  json 'assert d["accepted"] and d["to"]=="Completed" and d["source"]=="CP-LC" and d["status"]=="stated", d' && ok

claim "a paused pipe whose resume point is lost fails on resume (inferred, D1)"
expect_exit 0 "$pipecheck" step --model clickpipe --state Paused --do resume --set resume_point_in_oplog=false --format json &&
  json 'assert d["to"]=="Failed" and d["status"]=="inferred" and d["decision"]=="D1" and d["failure_cause"]=="resume_point_lost", d' && ok

claim "mongosync /commit with canCommit false is refused in the documented shape"
expect_exit 0 "$pipecheck" step --model mongosync --state RUNNING --do commit --format json &&
  json 'e=d["error"]; assert d["accepted"] is False and e["success"] is False and e["error"]=="CommitNotReady" and e["errorDescription"], d' && ok

claim "mongosync crash reports the process beside the state"
expect_exit 0 "$pipecheck" step --model mongosync --state RUNNING --do crash --format json &&
  json 'assert d["to"]=="RUNNING" and d["process"]=="down", d' && ok

claim "mongosync /start with buildIndexes never and reversible true is refused"
expect_exit 0 "$pipecheck" step --model mongosync --state IDLE --do start --body '{"reversible": true, "buildIndexes": "never"}' --format json &&
  json 'assert d["error"]["error"]=="InvalidStartOptions", d' && ok

for bad_call in \
  "spec --model nosuch" \
  "spec --model clickpipe --profile 2023" \
  "spec --model clickpipe --format yaml" \
  "spec --model mongosync --profile 2024" \
  "step --model clickpipe --state Stopped --do resume" \
  "step --model clickpipe --state Pausing --do resume --profile 2024" \
  "step --model clickpipe --state Running --do explode" \
  "step --model clickpipe --state Running --do pause --mode turbo" \
  "step --model clickpipe --state Running --do pause --mode snapshot --profile 2024" \
  "step --model clickpipe --state Running --do pause --set colour=blue" \
  "step --model clickpipe --state Running --do pause --set in_resync=maybe" \
  "step --model mongosync --state Running --do pause" \
  "step --model mongosync --state IDLE --do start --body {\"reversable\":true}" \
  "step --model mongosync --state IDLE --do start --body not-json" \
  "step --model mongosync --state IDLE --do commit --set can_commit=true" \
  "spec --model clickpipe --bogus-flag" \
  "nosuchcommand" ; do
  claim "bad input exits 2 with one line: $bad_call"
  # shellcheck disable=SC2086
  expect_exit 2 "$pipecheck" $bad_call && one_error_line && ok
done

scenarios=$(dirname "$0")/scenarios
bad=$(dirname "$0")/bad_scenarios
for case in "unknown-key.json:\$.steps\[1\].expcet" "bad-duration.json:\$.config.oplog_retention" "unknown-state.json:\$.expect.final_state"; do
  file=${case%%:*}; path=${case#*:}
  claim "replay of a malformed scenario exits 2 naming the file and the JSON path: $file"
  expect_exit 2 "$pipecheck" replay "$bad/$file" && one_error_line && grep -q "$file: $path" <<<"$err" && ok
done

claim "replay runs nothing when any one of several files is malformed"
expect_exit 2 "$pipecheck" replay "$scenarios/cp-cdc-happy-path.json" "$bad/unknown-key.json" && one_error_line && ok

claim "replay of a good scenario prints its trace and exits 0"
expect_exit 0 "$pipecheck" replay "$scenarios/cp-cdc-happy-path.json" &&
  grep -q 'Provisioning -> Setup' <<<"$out" && grep -q '^PASS' <<<"$out" && ok

claim "sim prints the same jsonl trace twice for one seed"
expect_exit 0 "$pipecheck" sim --model clickpipe --seed 3 --duration 6h --faults none --format jsonl &&
  first=$out && expect_exit 0 "$pipecheck" sim --model clickpipe --seed 3 --duration 6h --faults none --format jsonl &&
  [ "$first" = "$out" ] && [ -n "$out" ] && json_lines_ok=$(head -1 <<<"$out" | "$python" -c 'import json,sys; d=json.loads(sys.stdin.read()); assert {"t_ms","kind","what","accepted"} <= set(d), d; print(1)') && ok

for bad_sim in "sim --model clickpipe --seeds 5..1" "sim --model clickpipe --seed 1 --faults meteor" "sim --model clickpipe --seed 1 --duration soon" "sim --model clickpipe" ; do
  claim "bad sim flags exit 2 with one line: $bad_sim"
  # shellcheck disable=SC2086
  expect_exit 2 "$pipecheck" $bad_sim && one_error_line && ok
done

claim "check passes on the built-in ClickPipe table and prints counts and coverage"
expect_exit 0 "$pipecheck" check --model clickpipe && grep -q '^states: ' <<<"$out" && grep -q '^coverage: ' <<<"$out" && grep -q '^verdict: pass' <<<"$out" && ok

claim "check --profile 2024 reports Degraded as an unreachable declared state"
expect_exit 0 "$pipecheck" check --model clickpipe --profile 2024 --format json &&
  json 'assert d["unreachable_declared"]==["Degraded"], d["unreachable_declared"]; assert d["verdict"]=="pass"' && ok

claim "check passes on mongosync with every property holding or witnessed"
expect_exit 0 "$pipecheck" check --model mongosync --format json &&
  json 'assert all(p["verdict"] in ("holds","witnessed") for p in d["properties"]), d["properties"]' && ok

claim "check stores one state per orbit of pipes by default, and every state with --symmetry off (pinned counts)"
expect_exit 0 "$pipecheck" check --model clickpipe --format json &&
  json 'assert d["symmetry"] is True and (d["states"], d["transitions"]) == (28428, 140397), d["states"]' &&
  expect_exit 0 "$pipecheck" check --model clickpipe --symmetry off --format json &&
  json 'assert d["symmetry"] is False and (d["states"], d["transitions"]) == (56225, 277042), d["states"]' &&
  expect_exit 0 "$pipecheck" check --model clickpipe --profile 2024 --symmetry off --format json &&
  json 'assert (d["states"], d["transitions"]) == (3557, 17634), d["states"]' &&
  expect_exit 0 "$pipecheck" check --model clickpipe --profile 2024 --format json &&
  json 'assert (d["states"], d["transitions"]) == (1847, 9261), d["states"]' &&
  expect_exit 0 "$pipecheck" check --model clickpipe && grep -q '^symmetry: on' <<<"$out" && ok

claim "check --symmetry on is accepted for mongosync (one process: nothing to permute, counts unchanged)"
expect_exit 0 "$pipecheck" check --model mongosync --symmetry on --format json &&
  json 'assert d["symmetry"] is False and (d["states"], d["transitions"]) == (5647, 12692), d["states"]' && ok

claim "check stopped by --max-states exits 3 with verdict incomplete"
expect_exit 3 "$pipecheck" check --model clickpipe --pipes 8 --max-states 1000 && grep -q '^verdict: incomplete' <<<"$out" && ! grep -q '^  holds' <<<"$out" && ok

for bad_check in "check --model clickpipe --pipes 9" "check --model clickpipe --budget crash=9" "check --model clickpipe --budget meteor=1" "check --model mongosync --pipes 3" "check --model clickpipe --max-memory lots" "check --model clickpipe --time-limit soon" "check --model clickpipe --symmetry maybe"; do
  claim "bad check flags exit 2 with one line: $bad_check"
  # shellcheck disable=SC2086
  expect_exit 2 "$pipecheck" $bad_check && one_error_line && ok
done

histories=$(dirname "$0")/histories
claim "validate accepts a healthy week of ClickPipe polls and a pipe resynced after a long pause"
expect_exit 0 "$pipecheck" validate --model clickpipe "$histories/clickpipe-healthy-cdc-week.jsonl" "$histories/clickpipe-paused-past-retention.csv" &&
  grep -q '^verdict: valid' <<<"$out" && grep -q 'Running -> Paused: 1 time (first at line 14): needs a user operation' <<<"$out" &&
  grep -q 'not observed: Pausing (coming soon' <<<"$out" && ok

claim "validate names the first impossible step of a cdc pipe seen in Completed, with why and sources"
expect_exit 1 "$pipecheck" validate --model clickpipe "$histories/clickpipe-invalid-completed-cdc.jsonl" &&
  grep -q 'first impossible step: Running (line 16, 2026-08-03T06:35:05Z) -> Completed (line 18, 2026-08-03T06:40:05Z)' <<<"$out" &&
  grep -q 'why: a pipe in mode cdc or cdc_only is never Completed: only mode snapshot reaches it' <<<"$out" &&
  grep -q '^verdict: invalid (1 of 2 pipes)' <<<"$out" && ok

claim "validate --format json gives the interfaces.md section 7 shape"
expect_exit 1 "$pipecheck" validate --model clickpipe --format json "$histories/clickpipe-invalid-completed-cdc.jsonl" &&
  json 'assert d["model"]=="clickpipe" and d["profile"]=="current" and d["verdict"]=="invalid"; p=d["pipes"][1]; assert p["verdict"]=="invalid" and p["observations"]==16; f=p["first_impossible"]; assert (f["line"],f["from"],f["to"])==(18,"Running","Completed"), f; assert "only mode snapshot" in f["why"] and f["nearest"] and f["sources"]==["CP-LC","CP-RS"], f; assert p["modes"]==["cdc","cdc_only"]; assert d["pipes"][0]["gaps_needing_operations"]==2; assert d["unknown_states"]==[]' && ok

claim "validate reads raw mongosync /progress bodies of a cutover with a reverse"
expect_exit 0 "$pipecheck" validate --model mongosync --format json "$histories/mongosync-cutover-with-reverse.jsonl" &&
  json 'p=d["pipes"][0]; assert d["verdict"]=="valid" and d["unanswered_polls"]==1; needs={(g["from"],g["to"]):g["needs"] for g in p["gaps"]}; assert needs[("COMMITTED","REVERSING")]=="operation" and needs[("REVERSING","RUNNING")]=="internal", needs' && ok

claim "validate --mongosync-version 1.20 accepts canCommit true with lag 45 s: the 30 s rule is 1.21's"
expect_exit 0 "$pipecheck" validate --model mongosync --mongosync-version 1.20 --format json "$histories/mongosync-can-commit-with-lag-45.jsonl" &&
  json 'assert d["verdict"]=="valid", d' && ok

claim "validate at 1.21 (the default, and named) finds canCommit true with lag 45 s impossible"
expect_exit 1 "$pipecheck" validate --model mongosync --format json "$histories/mongosync-can-commit-with-lag-45.jsonl" &&
  json 'f=d["pipes"][0]["first_impossible"]; assert f["line"]==3 and "MS-PT21" in f["sources"], f' &&
  expect_exit 1 "$pipecheck" validate --model mongosync --mongosync-version 1.21 "$histories/mongosync-can-commit-with-lag-45.jsonl" && ok

# The JSON report is written pipe by pipe; tests/validate-json/ holds the
# documents the whole-tree dump gave for these histories, byte for byte.
for golden in "clickpipe-many-pipes:clickpipe --max-gap 30m tests/histories/clickpipe-many-pipes.jsonl tests/histories/clickpipe-invalid-completed-cdc.jsonl tests/histories/clickpipe-healthy-cdc-week.jsonl" "mongosync-cutover-with-reverse:mongosync tests/histories/mongosync-cutover-with-reverse.jsonl"; do
  name=${golden%%:*}; arguments=${golden#*:}; code=1
  [ "$name" = mongosync-cutover-with-reverse ] && code=0
  claim "validate --format json streamed pipe by pipe is valid JSON, byte for byte the whole-tree document: $name"
  # shellcheck disable=SC2086
  expect_exit "$code" bash -c 'cd "$1" && shift && exec "$@"' - "$(dirname "$0")/.." "$pipecheck" validate --format json --model $arguments &&
    json 'assert d["pipes"]' && [ "$out" = "$(cat "$(dirname "$0")/validate-json/$name.json")" ] ||
    bad "differs from tests/validate-json/$name.json: $(diff <(printf '%s\n' "$out") "$(dirname "$0")/validate-json/$name.json" | head -5)"
  ok
done

claim "validate of an empty history exits 2 with one line naming the file"
expect_exit 2 "$pipecheck" validate --model clickpipe "$histories/clickpipe-healthy-cdc-week.jsonl" "$(dirname "$0")/bad-input/history/empty.jsonl" &&
  one_error_line && grep -q 'no observations.*bad-input/history/empty.jsonl)$' <<<"$err" && ok

for case in "not-json.jsonl:2" "bad-time.jsonl:2" "short-row.csv:3" "time-goes-back.jsonl:2" "body-without-state.jsonl:1"; do
  file=${case%%:*}; line=${case#*:}
  claim "validate of a malformed history exits 2 naming the file and line: $file"
  expect_exit 2 "$pipecheck" validate --model clickpipe "$histories/clickpipe-paused-past-retention.csv" "$histories/bad/$file" &&
    one_error_line && grep -q "bad/$file:$line)\$" <<<"$err" && ok
done

for bad_validate in "validate --model clickpipe --mode turbo $histories/clickpipe-paused-past-retention.csv" "validate --model mongosync --mode cdc $histories/mongosync-cutover-with-reverse.jsonl" "validate --model clickpipe --max-gap soon $histories/clickpipe-paused-past-retention.csv" "validate --model clickpipe $histories/no-such-file.jsonl" "validate --model clickpipe $histories"; do
  claim "bad validate input exits 2 with one line: ${bad_validate#validate }"
  # shellcheck disable=SC2086
  expect_exit 2 "$pipecheck" $bad_validate && one_error_line && ok
done

for bad_serve in "serve --model clickpipe --clock sundial" "serve --model mongosync --speed 0" "serve --model mongosync --port 70000" "serve --model clickpipe --api-key nocolon" "serve --model mongosync --config $histories/no-such-config.json" "serve --model mongosync --config $histories/bad/not-json.jsonl" "serve --model mongosync --profile 2024"; do
  claim "bad serve flags exit 2 with one line: ${bad_serve#serve }"
  # shellcheck disable=SC2086
  expect_exit 2 "$pipecheck" $bad_serve && one_error_line && ok
done

claim "--help works on every command and exits 0"
all=0
for command in "" spec step check report replay sim graph mutate validate serve; do
  # shellcheck disable=SC2086
  "$pipecheck" $command --help >/dev/null 2>&1 || all=1
done
[ $all -eq 0 ] && ok || bad "--help failed"

settle
echo "all $held claims hold"
