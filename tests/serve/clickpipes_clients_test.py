#!/usr/bin/python3
"""tests/serve/clickpipes_clients_test.py: real clients against `pipecheck serve --model clickpipe`.

  clickpipes_clients_test.py PIPECHECK CLAIM     run one claim (ctest runs each as a test)
  clickpipes_clients_test.py PIPECHECK all       run every claim
  clickpipes_clients_test.py --list              the claims' names

Each claim starts its own server, creates a MongoDB ClickPipe through the API
(POST .../clickpipes), moves the manual clock until it is Running, and runs
examples/clickpipes-pause-edit-resume.py against it as a user would, its
--control hook moving the clock; faults go in through a ControlShim at a
fixed advance of the script's run. Every session ends with SIGINT and a
replay of its record to the live trace hash (serve_harness.Server.stop).
"""

import base64
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # No __pycache__ in the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import ClaimFailed, ControlShim, Server, claim, http_json, run_claims, run_script  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "examples", "clickpipes-pause-edit-resume.py")
PIPECHECK = None
ORG, SERVICE = "9a1f2c3e-org", "5d7b8e0a-service"
KEY = "KEYID123:s3cr3t"


def pipes_url(server):
    return f"{server.root}/v1/organizations/{ORG}/services/{SERVICE}/clickpipes"


def auth_headers(key):
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()} if key else {}


def create_running_pipe(server, key=None):
    """Creates a cdc pipe on shop.orders and advances until it is Running; its id."""
    body = {"name": "orders", "source": {"mongodb": {
        "uri": "mongodb+srv://cluster0.example.mongodb.net", "readPreference": "secondaryPreferred",
        "settings": {"replicationMode": "cdc"},
        "tableMappings": [{"sourceDatabaseName": "shop", "sourceCollection": "orders",
                           "targetTable": "shop_orders", "tableEngine": "ReplacingMergeTree"}]}},
        "destination": {"database": "default"}}
    status, answer, text = http_json("POST", pipes_url(server), body, headers=auth_headers(key))
    claim(status == 200 and answer.get("result", {}).get("id"), f"create: HTTP {status} {text}")
    pipe = answer["result"]["id"]
    for _ in range(60):
        server.advance("1m")
        state = get_pipe(server, pipe, key)["state"]
        if state == "Running":
            return pipe
    raise ClaimFailed(f"the new pipe is {state} after an hour, not Running")


def get_pipe(server, pipe, key=None):
    status, answer, text = http_json("GET", f"{pipes_url(server)}/{pipe}", headers=auth_headers(key))
    claim(status == 200, f"GET the pipe: HTTP {status} {text}")
    return answer["result"]


def run(server, pipe, *extra, plan=None, key=None):
    shim = ControlShim(server, plan or {})
    try:
        args = ["--url", server.root, "--org", ORG, "--service", SERVICE, "--pipe", pipe, "--control", shim.url,
                *(["--key", key] if key else []), *extra]
        code, out, err = run_script(SCRIPT, args)
    finally:
        shim.close()
    return code, out, err, shim


def operations(server):
    return [(e["what"], e["accepted"]) for e in server.trace() if e.get("kind") == "operation"]


def show(code, out, err):
    return f"exit {code}\n--- stdout\n{out}--- stderr\n{err}"


def PauseEditResumeScriptAddsATable(workdir):
    server = Server(PIPECHECK, model="clickpipe", workdir=workdir)
    pipe = create_running_pipe(server)
    code, out, err, _ = run(server, pipe, "--add", "shop.customers")
    claim(code == 0, "the script did not add the table:\n" + show(code, out, err))
    claim("stop: accepted" in out and "state=Paused" in out, "the script did not pause the pipe first:\n" + out)
    claim("the edit resumed the ClickPipe by itself" in out, "adding a table did not resume the pipe:\n" + out)
    result = get_pipe(server, pipe)
    claim(result["state"] == "Running", f"the pipe is {result['state']}, not Running")
    tables = [m["sourceCollection"] for m in result["source"]["mongodb"]["tableMappings"]]
    claim(tables == ["orders", "customers"], f"the pipe's table mappings are {tables}")
    ops = operations(server)
    claim(all(accepted for _, accepted in ops), f"the script made a request the model refused: {ops}")
    claim([what for what, _ in ops][-2:] == ["pause", "add_tables"], f"not a pause then an add: {ops}")
    server.stop()


def PauseEditResumeScriptStartsThePipeAfterASettingsEdit(workdir):
    server = Server(PIPECHECK, model="clickpipe", workdir=workdir)
    pipe = create_running_pipe(server)
    code, out, err, _ = run(server, pipe, "--sync-interval", "30")
    claim(code == 0, "the script did not edit and resume:\n" + show(code, out, err))
    claim("start: accepted" in out, "the script did not start the pipe after the edit:\n" + out)
    result = get_pipe(server, pipe)
    claim(result["state"] == "Running" and result["source"]["mongodb"]["settings"].get("syncIntervalSeconds") == 30,
          f"the pipe is not Running with syncIntervalSeconds 30: {result}")
    claim([what for what, _ in operations(server)][-3:] == ["pause", "edit_settings", "resume"],
          f"not pause, edit, resume: {operations(server)}")
    server.stop()


def PauseEditResumeScriptFailsWhenTheResumePointIsLostWhilePaused(workdir):
    # The resume point leaves the oplog while the pipe is paused: the start is
    # accepted and the pipe turns Failed; the script says so and exits 1.
    server = Server(PIPECHECK, model="clickpipe", workdir=workdir)
    pipe = create_running_pipe(server)
    code, out, err, shim = run(server, pipe, "--sync-interval", "30",
                               plan={1: [{"fault": "resume_point_lost", "pipe": 0}]})
    claim(shim.injected and shim.injected[0][2]["accepted"], f"the fault was not injected: {shim.injected}")
    claim(code == 1, "the script did not fail on a Failed pipe:\n" + show(code, out, err))
    claim("the ClickPipe is Failed while waiting for Running" in err, "the failure does not say Failed:\n" + err)
    claim(get_pipe(server, pipe)["state"] == "Failed", "the pipe is not Failed")
    server.stop()


def PauseEditResumeScriptNeedsTheApiKey(workdir):
    server = Server(PIPECHECK, model="clickpipe", extra=["--api-key", KEY], workdir=workdir)
    pipe = create_running_pipe(server, key=KEY)
    for key in (None, "KEYID123:wrong"):
        code, out, err, _ = run(server, pipe, "--add", "shop.customers", key=key)
        claim(code == 1 and "HTTP 401" in err, f"with key {key}, the script did not fail with 401:\n" + show(code, out, err))
    claim(operations(server) == [("create", True)], f"a request without the key reached the model: {operations(server)}")
    code, out, err, _ = run(server, pipe, "--add", "shop.customers", key=KEY)
    claim(code == 0, "with the right key the script failed:\n" + show(code, out, err))
    server.stop()


def DocsCurlStopsAndStartsAPipe(workdir):
    # The ClickHouse Cloud API docs' form: curl with -u KEY_ID:KEY_SECRET.
    server = Server(PIPECHECK, model="clickpipe", extra=["--api-key", KEY], workdir=workdir)
    pipe = create_running_pipe(server, key=KEY)
    url = f"{pipes_url(server)}/{pipe}"

    def curl(*args):
        result = subprocess.run(["curl", "-s", *args], capture_output=True, text=True, timeout=20)
        claim(result.returncode == 0, f"curl {args}: exit {result.returncode} {result.stderr}")
        return json.loads(result.stdout)

    stopped = curl("-X", "PATCH", "-H", "Content-Type: application/json", "-u", KEY, f"{url}/state",
                   "-d", '{"command": "stop"}')
    claim(stopped["status"] == 200 and stopped["result"]["state"] in ("Pausing", "Paused") and stopped["requestId"],
          f"stop: {stopped}")
    server.advance("2m")
    claim(curl("-u", KEY, url)["result"]["state"] == "Paused", "not Paused after stop")
    started = curl("-X", "PATCH", "-H", "Content-Type: application/json", "-u", KEY, f"{url}/state",
                   "-d", '{"command": "start"}')
    claim(started["status"] == 200, f"start: {started}")
    again = curl("-X", "PATCH", "-H", "Content-Type: application/json", "-u", KEY, f"{url}/state",
                 "-d", '{"command": "start"}')
    claim(again == {"status": 400, "error": "ClickPipe is already running", "requestId": again.get("requestId")}
          and again["requestId"], f"a second start: {again}")
    unauthorized = curl("-X", "PATCH", "-H", "Content-Type: application/json", f"{url}/state", "-d",
                        '{"command": "stop"}')
    claim(unauthorized.get("status") == 401 and unauthorized.get("error"), f"no key: {unauthorized}")
    server.stop()


CLAIMS = [
    PauseEditResumeScriptAddsATable,
    PauseEditResumeScriptStartsThePipeAfterASettingsEdit,
    PauseEditResumeScriptFailsWhenTheResumePointIsLostWhilePaused,
    PauseEditResumeScriptNeedsTheApiKey,
    DocsCurlStopsAndStartsAPipe,
]

if __name__ == "__main__":
    sys.exit(run_claims(sys.argv, CLAIMS, sys.modules[__name__]))
