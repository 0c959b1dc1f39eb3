"""tests/serve/control_clients_test.py: the control API as a new user discovers it.

Goal: every trigger of each model's table is reachable from outside `pipecheck serve`, and the server
says how: GET /pipecheck/v1/ lists the control calls and the call that reaches each trigger; a refusal
names the call that is accepted instead; times come back in one spelling. Method: the list of triggers
comes from `pipecheck spec --format json` (the table), not from the server, and each listed call is sent
to a real server and must be routed (never 404 or 405), each fault accepted as a fault.

Usage: control_clients_test.py PIPECHECK CLAIM|all, or --list.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import Server, claim, http_json, replay, run_claims  # noqa: E402

PIPECHECK = None
CLOCK = re.compile(r"^(\d+d )?\d+:\d\d:\d\d\.\d\d\d$")


def table_triggers(model):
    result = subprocess.run([PIPECHECK, "spec", "--model", model, "--format", "json"], capture_output=True,
                            text=True, timeout=30, check=True)
    return [(t["name"], t["kind"]) for t in json.loads(result.stdout)["triggers"]]


def listing(server):
    status, body, text = http_json("GET", f"{server.control}/pipecheck/v1/")
    claim(status == 200 and body, f"GET /pipecheck/v1/: {status} {text[:300]}")
    return body


def send(server, call):
    """Sends a listed call ("METHOD /path {json}") with placeholders filled; (status, body)."""
    method, _, rest = call.partition(" ")
    path, _, body = rest.partition(" ")
    body = body.split(" or ")[0]
    path = (path.replace("{org}", "o-1").replace("{svc}", "s-1").replace("{id}", "no-such-pipe"))
    payload = None
    if body:
        text = body.replace("DURATION", '"1m"').replace("[...]", "[]").replace("{...}", "{}")
        payload = json.loads(text)
    base = server.control if path.startswith("/pipecheck/") else server.root
    status, parsed, _ = http_json(method, base + path, payload)
    return status, parsed


def every_trigger_of_the_table_has_a_route(workdir):
    for model in ("mongosync", "clickpipe"):
        server = Server(PIPECHECK, model, (), os.path.join(workdir, model))
        listed = listing(server)
        routes = {route["trigger"]: route for route in listed["triggers"] if route.get("scope") != "service"}
        for route in listed["triggers"]:
            if route.get("scope") == "service":
                status, body = send(server, route["call"])
                unrouted = status == 405 or (status == 404 and "no such endpoint" in json.dumps(body))
                claim(not unrouted, f"{model}: the service step {route['trigger']} is not routed: {status} {body}")
        for name, kind in table_triggers(model):
            claim(name in routes, f"{model}: the table's trigger {name} has no route in GET /pipecheck/v1/")
            claim(routes[name]["kind"] == kind, f"{model}: {name} is listed as {routes[name]['kind']}, not {kind}")
            status, body = send(server, routes[name]["call"])
            # A 404 of the route itself (no such pipe) is routed; the server's own is "no such endpoint".
            unrouted = status == 405 or (status == 404 and "no such endpoint" in json.dumps(body))
            claim(not unrouted, f"{model}: {name}'s call {routes[name]['call']} is not routed: {status} {body}")
            if kind == "fault":
                claim(status == 200 and "accepted" in body,
                      f"{model}: the fault {name} is not taken as a fault: {status} {body}")
        claim(len(routes) == len(table_triggers(model)), f"{model}: the listing has triggers the table has not")
        for call in listed["control"]:
            claim(call["path"].startswith("/pipecheck/v1/") and call["does"], f"{model}: a bad control entry {call}")
        server.stop()


def a_refused_restart_names_the_recovery(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("10m")
    server.fault("oplog_rollover")
    server.advance("1m")
    claim(server.state()["process"] == "exited", f"the process did not exit after the rollover: {server.state()}")
    reply = server.ctl("POST", "restart")
    claim(reply["accepted"] is False and 'restart {"wipe": true}' in reply.get("refusal", ""),
          f"the refused restart does not name the recovery: {reply}")
    reply = server.ctl("POST", "restart", {"wipe": True})
    claim(reply["accepted"] is True, f"restart {{\"wipe\": true}} was refused: {reply}")
    server.stop()


def times_come_back_in_one_spelling(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    for by in ("10m", "810s", "237937ms", "1d"):
        state = server.advance(by)
        claim(CLOCK.match(state["now"]), f"now is spelled {state['now']!r} after advancing {by}")
        claim(isinstance(state["now_ms"], int), f"now_ms is {state['now_ms']!r}")
    claim(server.state()["now"] == "1d 0:27:27.937", f"now is {server.state()['now']!r}")
    server.stop()


def a_post_without_a_body_is_an_empty_object(workdir):
    """`curl -X POST .../pause`, as users type it: no body, no Content-Type, taken as {}."""
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    result = subprocess.run(["curl", "-s", "-X", "POST", f"{server.api}/pause"], capture_output=True, text=True,
                            timeout=20)
    claim(json.loads(result.stdout) == {"success": True}, f"curl -X POST /pause: {result.stdout}")
    result = subprocess.run(["curl", "-s", "-X", "POST", f"{server.control}/pipecheck/v1/restart"],
                            capture_output=True, text=True, timeout=20)
    claim("accepted" in json.loads(result.stdout), f"curl -X POST /pipecheck/v1/restart: {result.stdout}")
    server.stop()


def health_answers_and_changes_nothing(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("10m")
    before = server.state()
    status, body, text = http_json("GET", f"{server.control}/pipecheck/v1/health")
    claim(status == 200 and body.get("status") == "ok" and body.get("model") == "mongosync"
          and body.get("process") == "up" and body.get("now_ms") == 600000 and CLOCK.match(body.get("now", "")),
          f"GET /pipecheck/v1/health: {status} {text}")
    after = server.state()
    claim(after["steps"] == before["steps"] and after["trace_hash"] == before["trace_hash"],
          f"health changed the session: {before} -> {after}")
    server.stop()


def reset_starts_the_same_session_afresh(workdir):
    """POST /pipecheck/v1/reset: time 0, no steps, IDLE; the journal before it replays to the session before
    it, a new journal starts; the same requests again give the same trace (same seed and configuration)."""
    server = Server(PIPECHECK, "mongosync", (), workdir)

    def session():
        server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
        server.advance("1h")
        server.call("GET", "progress")
        return server.state()

    first = session()
    old_journal = server.journal
    reply = server.ctl("POST", "reset")
    claim(reply.get("now_ms") == 0 and reply.get("steps") == 0 and reply.get("states") == ["IDLE"]
          and not reply.get("violations"), f"the reset answered {reply}")
    new_journal = reply.get("journal", "")
    claim(new_journal and new_journal != old_journal and os.path.exists(new_journal),
          f"the new journal {new_journal!r} (the first: {old_journal})")
    claim(replay(PIPECHECK, old_journal) == first["trace_hash"],
          "the journal before the reset does not replay to the session before it")
    second = session()
    claim(second["trace_hash"] == first["trace_hash"] and second["steps"] == first["steps"],
          f"the same requests after the reset: {second} against {first}")
    status, body, text = http_json("POST", f"{server.control}/pipecheck/v1/reset", {"seed": 2})
    claim(status == 400 and "no parameters" in body.get("error", ""), f"reset with a parameter: {status} {text}")
    claim(replay(PIPECHECK, new_journal) == second["trace_hash"], "the new journal does not replay")
    server.stop()  # The record is the session after the reset, and replays.


def an_advance_interrupted_by_a_reset_says_so(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    result = {}

    def advance():  # Minutes of work if nothing stops it; the reset does, between two of its parts.
        result["reply"] = http_json("POST", f"{server.control}/pipecheck/v1/advance", {"by": "1000d"}, timeout=600)

    thread = threading.Thread(target=advance)
    thread.start()
    time.sleep(0.3)
    reply = server.ctl("POST", "reset")
    thread.join()
    status, body, text = result["reply"]
    claim(status == 409 and "reset during the advance" in body.get("error", ""), f"the advance answered {status} {text}")
    state = server.state()
    claim(state["now_ms"] == 0 and reply["now_ms"] == 0, f"the new session was advanced: {state}")
    server.stop()


CLAIMS = [
    every_trigger_of_the_table_has_a_route,
    a_refused_restart_names_the_recovery,
    times_come_back_in_one_spelling,
    a_post_without_a_body_is_an_empty_object,
    health_answers_and_changes_nothing,
    reset_starts_the_same_session_afresh,
    an_advance_interrupted_by_a_reset_says_so,
]

if __name__ == "__main__":
    sys.exit(run_claims(sys.argv, CLAIMS, sys.modules[__name__]))
