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


def create_body(name, mode):
    return {"name": name, "source": {"mongodb": {
        "uri": "mongodb+srv://cluster0.example.mongodb.net", "settings": {"replicationMode": mode},
        "tableMappings": [{"sourceDatabaseName": "shop", "sourceCollection": name, "targetTable": f"shop_{name}"}]}},
        "destination": {"database": "default"}}


def create(server, name, mode):
    status, answer, text = http_json("POST", pipes_url(server), create_body(name, mode))
    claim(status == 200, f"create {name} ({mode}): HTTP {status} {text}")
    claim(answer["result"]["source"]["mongodb"]["settings"]["replicationMode"] == mode,
          f"create {name}: the pipe does not report replicationMode {mode}: {answer}")
    return answer["result"]["id"]


def two_slots(workdir):
    path = os.path.join(workdir, "two-slots.json")
    with open(path, "w") as file:
        json.dump({"pipes": 2}, file)
    return ["--config", path]


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


def EveryFieldOfAPipeIsTheWorldsOrTheClients(workdir):
    """Every field a GET of a pipe carries, through stop and start: the id the create returned, the
    name, service, source and destination the client sent, and the state the world is in (the control
    API's /state for the pipe's slot), the same in the list."""
    server = Server(PIPECHECK, model="clickpipe", extra=two_slots(workdir), workdir=workdir)
    body = create_body("orders", "cdc")
    pipe = create(server, "orders", "cdc")

    def check(when):
        got = get_pipe(server, pipe)
        world = server.state()["states"][0]
        claim(got["id"] == pipe and got["name"] == "orders" and got["serviceId"] == SERVICE,
              f"{when}: id, name or service: {got}")
        claim(got["state"] == world, f"{when}: the pipe says {got['state']}, the world {world}")
        mongodb = got["source"]["mongodb"]
        sent = body["source"]["mongodb"]
        claim(mongodb["uri"] == sent["uri"] and mongodb["tableMappings"] == sent["tableMappings"]
              and mongodb["settings"]["replicationMode"] == "cdc", f"{when}: the source is not what was sent: {got}")
        claim(got["destination"] == body["destination"], f"{when}: the destination: {got['destination']}")
        status, listed, text = http_json("GET", pipes_url(server))
        claim(status == 200 and listed["result"] == [got], f"{when}: the list differs from the GET: {text[:600]}")

    check("after the create")
    for command, wait in (("", "1m"), ("", "10m"), ("stop", "1m"), ("start", "1m"), ("", "30m")):
        if command:
            status, _, text = http_json("PATCH", f"{pipes_url(server)}/{pipe}/state", {"command": command})
            claim(status == 200, f"{command}: HTTP {status} {text}")
            check(f"after {command}")
        server.advance(wait)
        check(f"{wait} after {command or 'the last step'}")
    server.stop()


def SnapshotAndCdcPipesFollowTheirModesAndADeleteFreesASlot(workdir):
    # One session, two modes; a full service takes a create again after a
    # delete, and the record (with the delete in it) replays to the live hash.
    server = Server(PIPECHECK, model="clickpipe", extra=two_slots(workdir), workdir=workdir)
    cdc = create(server, "orders", "cdc")
    snapshot = create(server, "customers", "snapshot")
    server.advance("15m")
    claim(get_pipe(server, cdc)["state"] == "Running", "the cdc pipe is not Running")
    claim(get_pipe(server, snapshot)["state"] == "Completed", "the snapshot pipe is not Completed")
    status, answer, text = http_json("POST", pipes_url(server), create_body("users", "cdc_only"))
    claim(status == 400 and "no room for another ClickPipe" in answer.get("error", ""), f"a third create: {text}")
    status, _, text = http_json("DELETE", f"{pipes_url(server)}/{snapshot}")
    claim(status == 200, f"delete: HTTP {status} {text}")
    status, _, _ = http_json("GET", f"{pipes_url(server)}/{snapshot}")
    claim(status == 404, f"the deleted pipe answers HTTP {status}, not 404")
    users = create(server, "users", "cdc_only")
    claim(users not in (cdc, snapshot), "the new pipe took an id already given")
    server.advance("10m")
    claim(get_pipe(server, users)["state"] == "Running", "the cdc_only pipe is not Running")
    claim(("delete", True) in operations(server), f"no delete in the trace: {operations(server)}")
    server.stop()


def FaultsNameAPipeByItsIdAndAnIdleServiceAnswers424(workdir):
    server = Server(PIPECHECK, model="clickpipe", workdir=workdir)
    first = create(server, "orders", "cdc")
    second = create(server, "customers", "cdc")
    status, answer, text = http_json("PATCH", f"{pipes_url(server)}/{second}/state", {"command": "stop"})
    claim(status == 400 and answer.get("error") == "ClickPipe in state Provisioning does not accept stop",
          f"stop in Provisioning: HTTP {status} {text}")
    server.advance("15m")
    reply = server.ctl("POST", "fault", {"fault": "irrecoverable_error", "pipe": second})
    claim(reply.get("accepted") is True, f"the fault by id was refused: {reply}")
    claim(get_pipe(server, second)["state"] == "Failed", "the pipe named by id is not Failed")
    claim(get_pipe(server, first)["state"] == "Running", "the other pipe is not Running")
    status, answer, text = http_json("POST", f"{server.control}/pipecheck/v1/fault",
                                     {"fault": "lag", "pipe": "not-a-pipe"})
    claim(status == 400 and '"pipe" in the request body' in answer.get("error", "")
          and "$.steps" not in answer.get("error", ""), f"a wrong id: HTTP {status} {text}")
    server.fault("idle", "2h")
    status, answer, text = http_json("GET", pipes_url(server))
    claim(status == 424 and answer.get("status") == 424 and "FAILED_DEPENDENCY" in answer.get("error", ""),
          f"a request to the idle service: HTTP {status} {text}")
    server.advance("2m")  # The running pipe's next sync wakes the service.
    claim(get_pipe(server, first)["state"] == "Running", "the service did not wake")
    server.stop()


CLAIMS = [
    EveryFieldOfAPipeIsTheWorldsOrTheClients,
    SnapshotAndCdcPipesFollowTheirModesAndADeleteFreesASlot,
    FaultsNameAPipeByItsIdAndAnIdleServiceAnswers424,
    PauseEditResumeScriptAddsATable,
    PauseEditResumeScriptStartsThePipeAfterASettingsEdit,
    PauseEditResumeScriptFailsWhenTheResumePointIsLostWhilePaused,
    PauseEditResumeScriptNeedsTheApiKey,
    DocsCurlStopsAndStartsAPipe,
]

if __name__ == "__main__":
    sys.exit(run_claims(sys.argv, CLAIMS, sys.modules[__name__]))
