#!/usr/bin/python3
"""tests/serve/mongosync_clients_test.py: real clients against `pipecheck serve --model mongosync`.

  mongosync_clients_test.py PIPECHECK CLAIM     run one claim (ctest runs each as a test)
  mongosync_clients_test.py PIPECHECK all       run every claim
  mongosync_clients_test.py --list              the claims' names

Each claim starts its own server on ephemeral ports (--port 0 --control-port 0
--record FILE) and ends by stopping it with SIGINT and replaying the record
to the trace hash the server printed and GET /pipecheck/v1/state showed
(serve_harness.Server.stop). The example script runs as a user would run it,
with the emulator's manual clock moved through its --control hook; faults are
injected through a ControlShim at a fixed advance of the script's run.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # No __pycache__ in the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import (ClaimFailed, ControlShim, Server, claim, replay, run_claims,  # noqa: E402
                           run_script)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CUTOVER = os.path.join(ROOT, "examples", "mongosync-cutover.py")
PIPECHECK = None

# A workload heavier than the default 2 writes/s (the lag fault stalls
# application, so lag passes canCommit's 30 s at any rate).
BUSY_SOURCE = {"writes_per_second": 50}


def busy_config(workdir):
    path = os.path.join(workdir, "busy.json")
    with open(path, "w") as file:
        json.dump(BUSY_SOURCE, file)
    return ["--config", path]


def cutover(server, plan=None, extra=()):
    """Runs the example cutover script against `server` with faults planned per advance."""
    shim = ControlShim(server, plan or {})
    try:
        code, out, err = run_script(CUTOVER, ["--url", f"http://{server.host}:{server.port}",
                                              "--control", shim.url, *extra])
    finally:
        shim.close()
    return code, out, err, shim


def polls(out):
    """The script's progress lines as dicts {state, canCommit, info, lagTimeSeconds}."""
    seen = []
    for line in out.splitlines():
        if "state=" not in line:
            continue
        fields = dict(part.split("=", 1) for part in line.split("] ", 1)[1].split(" ") if "=" in part)
        seen.append({"state": fields["state"], "canCommit": json.loads(fields["canCommit"]),
                     "lag": json.loads(fields["lagTimeSeconds"])})
    return seen


def operations(server):
    """The user operations of the trace: [(what, accepted)] in order."""
    return [(e["what"], e["accepted"]) for e in server.trace() if e.get("kind") == "operation"]


def committed_at(server):
    state = server.state()
    claim(state["states"] == ["COMMITTED"], f"the world is {state['states']}, not COMMITTED")
    return state["now_ms"]


def show(code, out, err):
    return f"exit {code}\n--- stdout\n{out}--- stderr\n{err}"


# --- (a) the documentation's curl examples, as written ------------------------------------

def DocsCurlExamplesAnswerAsDocumented(workdir):
    claim(shutil.which("curl"), "curl is not installed (scripts/bootstrap installs it)")
    server = Server(PIPECHECK, workdir=workdir)
    port = server.port

    def curl(command):
        result = subprocess.run(["bash", "-c", command.replace("27182", str(port))], capture_output=True,
                                text=True, timeout=20)
        claim(result.returncode == 0, f"{command}: curl exit {result.returncode}: {result.stderr}")
        try:
            return json.loads(result.stdout)
        except ValueError:
            raise ClaimFailed(f"{command}: not JSON: {result.stdout!r}")

    idle = curl("curl localhost:27182/api/v1/progress -XGET")
    claim(idle["success"] is True and idle["progress"]["state"] == "IDLE" and idle["progress"]["canCommit"] is False,
          f"before /start, progress is not IDLE: {idle}")
    nulls = [k for k, v in idle["progress"].items() if k not in ("state", "canCommit") and v is not None]
    claim(not nulls, f"in IDLE every field but state and canCommit is null; these are not: {nulls}")
    # The issue's form, then the manual's (multi-line --data, -XPOST after the URL).
    answer = curl("""curl -X POST localhost:27182/api/v1/start --data '{"source":"cluster0","destination":"cluster1"}'""")
    claim(answer == {"success": True}, f"/start answered {answer}, not {{\"success\":true}}")
    again = curl("""curl localhost:27182/api/v1/start -XPOST \\
--data '
   {
      "source": "cluster0",
      "destination": "cluster1"
   } '""")
    claim(again.get("success") is False and isinstance(again.get("error"), str) and again["error"]
          and isinstance(again.get("errorDescription"), str) and again["errorDescription"],
          f"a second /start while RUNNING is not refused in the documented error shape: {again}")
    running = curl("curl localhost:27182/api/v1/progress -XGET")["progress"]
    claim(running["state"] == "RUNNING", f"after /start, progress shows {running['state']}, not RUNNING")
    for key in ("state", "canCommit", "canWrite", "info", "lagTimeSeconds", "collectionCopy", "directionMapping"):
        claim(key in running, f"/progress in RUNNING lacks {key}: {running}")
    claim(running["directionMapping"]["Source"].startswith("cluster0:")
          and running["directionMapping"]["Destination"].startswith("cluster1:"),
          f"directionMapping does not name cluster0 -> cluster1: {running['directionMapping']}")
    claim(curl("curl localhost:27182/api/v1/pause -XPOST --data '{ }'") == {"success": True}, "/pause failed")
    claim(curl("curl localhost:27182/api/v1/progress -XGET")["progress"]["state"] == "PAUSED", "not PAUSED after /pause")
    refused = curl("curl localhost:27182/api/v1/commit -XPOST --data '{ }'")
    claim(refused.get("success") is False and refused.get("error") and refused.get("errorDescription"),
          f"/commit while PAUSED is not refused in the documented error shape: {refused}")
    claim(curl("curl localhost:27182/api/v1/resume -XPOST --data '{ }'") == {"success": True}, "/resume failed")
    server.advance("5m")
    progress = curl("curl localhost:27182/api/v1/progress -XGET")["progress"]
    claim(progress["state"] == "RUNNING" and progress["canCommit"] is True,
          f"5 minutes after /resume, progress is not RUNNING with canCommit: {progress}")
    claim(curl("curl localhost:27182/api/v1/commit -XPOST --data '{ }'") == {"success": True}, "/commit failed")
    server.advance("5m")
    done = curl("curl localhost:27182/api/v1/progress -XGET")["progress"]
    claim(done["state"] == "COMMITTED" and done["canWrite"] is True,
          f"5 minutes after /commit, progress is not COMMITTED with canWrite: {done}")
    server.stop()


# --- (b) the cutover script, no fault ----------------------------------------------------

def CutoverScriptCommitsWithoutFaults(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    code, out, err, _ = cutover(server)
    claim(code == 0, "the cutover script failed without any fault:\n" + show(code, out, err))
    claim(out.rstrip().endswith("cutover complete: COMMITTED"), "the script's last line is not COMMITTED:\n" + out)
    committed_at(server)
    ops = operations(server)
    claim(("start", True) in ops and ("commit", True) in ops, f"the trace lacks an accepted start and commit: {ops}")
    claim(all(accepted for _, accepted in ops), f"the script made a request the model refused: {ops}")
    server.stop()


def CutoverScriptCommitsOnTheRealClockWithoutControl(workdir):
    # The script exactly as run against production: it sleeps between polls
    # (1 s here); --clock real --speed 60 makes each of those a minute.
    server = Server(PIPECHECK, extra=["--clock", "real", "--speed", "60"], workdir=workdir)
    try:
        code, out, err = run_script(CUTOVER, ["--url", f"http://localhost:{server.port}", "--interval", "1"],
                                    timeout=20)
    except subprocess.TimeoutExpired:
        raise ClaimFailed("the sleeping script did not finish within 20 s (20 simulated minutes)") from None
    claim(code == 0, "the sleeping script did not reach COMMITTED on the real clock:\n" + show(code, out, err))
    state = server.state()
    claim(state["states"] == ["COMMITTED"] and state["now_ms"] >= 60 * 1000,
          f"the session is not COMMITTED a simulated minute or more later: {state}")
    server.stop()


def CutoverScriptStopsOnAnErrorResponse(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    status, answer, _ = server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    claim(status == 200 and answer == {"success": True}, f"/start: {status} {answer}")
    _, refusal, _ = server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    claim(refusal.get("success") is False, f"a second /start was not refused: {refusal}")
    # A cutover against a migration already running: its /start is refused.
    code, out, err, _ = cutover(server)
    claim(code == 1, "the script did not exit 1 on a refused /start:\n" + show(code, out, err))
    claim(f"/start failed (HTTP 400): {refusal['error']}: {refusal['errorDescription']}" in err,
          "the failure message does not give mongosync's error and errorDescription:\n" + err)
    claim("/commit" not in out, "the script went on after /start was refused:\n" + out)
    server.stop()


def CutoverScriptFailsClearlyWhenNothingListens(workdir):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # Bound but not listening: connections are refused.
        code, out, err = run_script(CUTOVER, ["--url", f"http://127.0.0.1:{port}", "--interval", "1",
                                              "--retries", "1"])
    claim(code == 3, "the script did not exit 3 when nothing listens:\n" + show(code, out, err))
    claim("connection refused" in err and "is the mongosync process running?" in err,
          "the message does not say the connection was refused:\n" + err)


# --- (c) lag before the commit -----------------------------------------------------------

def CutoverScriptWaitsOutLagAndCommitsLater(workdir):
    baseline = Server(PIPECHECK, extra=busy_config(workdir), workdir=os.path.join(workdir, "baseline"))
    code, out, err, _ = cutover(baseline)
    claim(code == 0, "baseline cutover failed:\n" + show(code, out, err))
    baseline_at = committed_at(baseline)
    baseline.stop()

    server = Server(PIPECHECK, extra=busy_config(workdir), workdir=os.path.join(workdir, "lag"))
    # The lag fault during the collection copy, before the first advance.
    code, out, err, shim = cutover(server, {1: [{"fault": "lag", "for": "20m"}]})
    claim(shim.injected and shim.injected[0][2]["accepted"], f"the lag fault was not injected: {shim.injected}")
    claim(code == 0, "the cutover script did not reach COMMITTED under lag:\n" + show(code, out, err))
    lag_at = committed_at(server)
    claim(lag_at >= baseline_at + 15 * 60 * 1000,
          f"COMMITTED at {lag_at} ms under 20 minutes of lag, not well after the baseline's {baseline_at} ms")
    seen = polls(out)
    high = [p for p in seen if p["state"] == "RUNNING" and isinstance(p["lag"], int) and p["lag"] > 30]
    claim(len(high) >= 10, f"the script never saw lagTimeSeconds above 30 for long: {seen}")
    claim(all(p["canCommit"] is False for p in high), f"canCommit was true while lag was above 30 s: {high}")
    ops = operations(server)
    claim(all(accepted for _, accepted in ops), f"a request was refused (a /commit sent while lag was high?): {ops}")
    server.stop()


# --- (d) a crash during the copy ---------------------------------------------------------

def CutoverScriptRetriesThroughShortCrashAndGivesUpOnLongOne(workdir):
    # A 3-minute crash during the copy, with the operator's restart after it:
    # the script's 5 retries a minute apart outlast it.
    server = Server(PIPECHECK, workdir=os.path.join(workdir, "short"))
    code, out, err, shim = cutover(server, {1: [{"fault": "crash", "for": "3m"}]})
    claim(shim.injected and shim.injected[0][2]["process"] == "down", f"the crash was not injected: {shim.injected}")
    claim(code == 0, "the script did not ride out a 3-minute crash:\n" + show(code, out, err))
    retries = [line for line in out.splitlines() if "connection refused; retry" in line]
    claim(2 <= len(retries) <= 3, f"expected 2 or 3 refused connections during a 3-minute crash:\n{out}")
    committed_at(server)
    server.stop()

    # A crash with no restart: the port stays closed; the script gives up
    # after its retries, saying why. A restart through the control API then
    # brings mongosync back with the migration where it was.
    server = Server(PIPECHECK, workdir=os.path.join(workdir, "long"))
    code, out, err, shim = cutover(server, {1: [{"fault": "crash"}]})
    claim(code == 3, "the script did not exit 3 while mongosync stayed down:\n" + show(code, out, err))
    claim("connection refused" in err and "6 attempts in a row" in err,
          "the failure does not say the connection was refused 6 times:\n" + err)
    claim(server.api_refuses_connections(), "the API port accepts connections while the process is down")
    reply = server.ctl("POST", "restart")
    claim(reply["accepted"] and reply["process"] == "up", f"the restart was not accepted: {reply}")
    status, answer, _ = server.call("GET", "progress")
    claim(status == 503 and answer["error"] == "ProgressUnavailable",
          f"right after the restart /progress answers (MS-DLY: it may fail for 2 minutes): {status} {answer}")
    server.advance("2m")
    status, answer, _ = server.call("GET", "progress")
    claim(status == 200 and answer["progress"]["state"] == "RUNNING",
          f"after the restart, the migration is not RUNNING where it was: {status} {answer}")
    server.stop()


# --- (e) oplog rollover before the commit ------------------------------------------------

def CutoverScriptFailsWithConnectionRefusedAfterOplogRollover(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    code, out, err, shim = cutover(server, {1: [{"fault": "oplog_rollover"}]})
    claim(shim.injected and shim.injected[0][2]["process"] == "exited",
          f"the rollover did not make mongosync exit: {shim.injected}")
    claim(code == 3, "the script did not fail as unreachable after the rollover:\n" + show(code, out, err))
    claim("connection refused" in err, "the failure does not say connection refused:\n" + err)
    claim("/commit" not in out, "the script committed after the process exited:\n" + out)
    claim(server.api_refuses_connections(), "the API port accepts connections after mongosync exited")
    saved = os.path.join(workdir, "saved.json")
    reply = server.ctl("POST", "save", {"path": os.path.basename(saved)})
    claim(replay(PIPECHECK, saved) == reply["trace_hash"],
          "the scenario saved through the control API does not replay to the live trace hash")
    server.stop()


# --- (f) bad requests ---------------------------------------------------------------------

def raw_request(server, data, read=True, timeout=10):
    with socket.create_connection((server.host, server.port), timeout=timeout) as connection:
        try:
            connection.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The server may answer and close before reading everything.
        if not read:
            return b""
        chunks = []
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def parse_raw(response):
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def error_shaped(answer):
    return (isinstance(answer, dict) and answer.get("success") is False and isinstance(answer.get("error"), str)
            and answer["error"] and isinstance(answer.get("errorDescription"), str) and answer["errorDescription"])


def BadRequestsAnswerInMongosyncErrorShape(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    cases = [
        ("unknown path", "GET", "nope", None, 404),
        ("unknown path under the API", "POST", "start/now", b"{}", 404),
        ("GET on an operation", "GET", "start", None, 405),
        ("POST on progress", "POST", "progress", b"{}", 405),
        ("PUT on commit", "PUT", "commit", b"{}", 405),
        ("malformed JSON", "POST", "start", b'{"source": "cluster0", "destination":', 400),
        ("a body that is not an object", "POST", "pause", b"[]", 400),
        ("a /start option misspelt", "POST", "start", b'{"source": "cluster0", "destination": "cluster1", '
                                                        b'"reversable": true}', 400),
        ("a /start option of the wrong type", "POST", "start", b'{"source": "cluster0", "destination": 1}', 400),
    ]
    for what, method, path, body, expected in cases:
        status, answer, text = server.call(method, path, raw_body=body)
        claim(status == expected, f"{what} ({method} /api/v1/{path}): HTTP {status}, not {expected}: {text}")
        claim(error_shaped(answer), f"{what}: not in the {{success:false,error,errorDescription}} shape: {text}")
    big = b'{"source": "cluster0", "destination": "cluster1", "pad": "' + b"x" * (1 << 20) + b'"}'
    response = raw_request(server, b"POST /api/v1/start HTTP/1.1\r\nHost: localhost\r\n"
                                   b"Connection: close\r\nContent-Type: application/json\r\nContent-Length: "
                                   + str(len(big)).encode() + b"\r\n\r\n" + big)
    status, answer = parse_raw(response)
    claim(status == 413, f"a body over 1 MiB: HTTP {status}, not 413: {response[:300]!r}")
    claim(error_shaped(answer), f"413 not in the API's error shape: {response[:300]!r}")
    # None of them reached the world.
    status, answer, _ = server.call("GET", "progress")
    claim(answer["progress"]["state"] == "IDLE", f"a bad request changed the world: {answer}")
    status, answer, _ = server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    claim(answer == {"success": True}, f"a valid /start after the bad requests failed: {answer}")
    server.stop()


def StartWithoutSourceOrDestinationIsRefused(workdir):
    # source and destination are required (sources.md 2.3, MS-START).
    server = Server(PIPECHECK, workdir=workdir)
    for body in ({"source": "cluster0"}, {"destination": "cluster1"}, {}):
        status, answer, text = server.call("POST", "start", body)
        claim(status == 400 and error_shaped(answer), f"/start {json.dumps(body)}: HTTP {status} {text}, not a 400 error")
    claim(server.call("GET", "progress")[1]["progress"]["state"] == "IDLE", "a /start without clusters started a sync")
    server.stop()


def half_open_clients(server, count):
    clients = []
    for _ in range(count):
        client = socket.create_connection((server.host, server.port), timeout=15)
        client.sendall(b"POST /api/v1/start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60\r\n\r\n"
                       b'{"source": "clus')
        clients.append(client)
    return clients


def timed_progress(server):
    start = time.monotonic()
    status, answer, _ = server.call("GET", "progress", timeout=15)
    return status, answer, time.monotonic() - start


def SlowClientDoesNotBlockOthers(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    clients = half_open_clients(server, 1)
    time.sleep(0.2)
    status, answer, took = timed_progress(server)
    claim(status == 200 and answer["success"] is True, f"progress beside a slow client: {status} {answer}")
    claim(took < 2.5, f"progress took {took:.2f} s while a client hung half-way through its request")
    # The half-open client is dropped after the server's read timeout, with nothing applied.
    clients[0].settimeout(10)
    try:
        clients[0].recv(65536)
    except socket.timeout:
        raise ClaimFailed("the half-open client was not timed out within 10 s") from None
    finally:
        clients[0].close()
    claim(server.call("GET", "progress")[1]["progress"]["state"] == "IDLE", "the half request was applied")
    server.stop()


def ManySlowClientsDoNotBlockOthers(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    clients = half_open_clients(server, 16)
    time.sleep(0.2)
    try:
        status, answer, took = timed_progress(server)
    finally:
        for client in clients:
            client.close()
    claim(status == 200 and answer["success"] is True, f"progress beside 16 slow clients: {status} {answer}")
    claim(took < 2.5, f"progress took {took:.2f} s while 16 clients hung half-way through their requests")
    server.stop()


def CrashClosesThePortPromptlyDespiteKeepAliveClients(workdir):
    # A poller that keeps its connection open (as requests.Session does)
    # must not hold the port open, nor delay the fault, for its idle timeout.
    server = Server(PIPECHECK, workdir=workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    pollers = []
    for _ in range(3):
        connection = http.client.HTTPConnection(server.host, server.port, timeout=15)
        connection.request("GET", "/api/v1/progress")
        connection.getresponse().read()
        pollers.append(connection)
    started = time.monotonic()
    server.fault("crash")
    took = time.monotonic() - started
    claim(server.api_refuses_connections(), "a new connection is accepted while the process is down")
    for connection in pollers:
        try:
            connection.request("GET", "/api/v1/progress")
            response = connection.getresponse()
            status, body = response.status, response.read()
            claim(status != 200, f"a kept-alive connection got a progress from a process that is down: {body!r}")
        except (ConnectionError, http.client.HTTPException, OSError):
            pass  # Closed under it, as the real process's sockets would be.
        connection.close()
    claim(took < 2.5, f"the crash fault took {took:.2f} s to answer while 3 keep-alive clients were idle")
    server.ctl("POST", "restart")
    server.advance("2m")  # /progress may fail for 2 minutes after a restart (MS-DLY).
    status, answer, _ = server.call("GET", "progress")
    claim(status == 200 and answer["progress"]["state"] == "RUNNING", f"after the restart: {status} {answer}")
    server.stop()


# --- (g) concurrent pollers ---------------------------------------------------------------

def ConcurrentPollersSeeConsistentAnswers(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    threads, per_thread = 8, 40

    def poll_all(advancer=None):
        answers = [[] for _ in range(threads)]
        errors = []
        barrier = threading.Barrier(threads + (1 if advancer else 0))

        def poller(i):
            connection = http.client.HTTPConnection(server.host, server.port, timeout=15)
            try:
                barrier.wait()
                for _ in range(per_thread):
                    connection.request("GET", "/api/v1/progress")  # Keep-alive: one connection per thread.
                    response = connection.getresponse()
                    answers[i].append((response.status, response.read().decode()))
            except Exception as error:  # noqa: BLE001 - reported as the claim's failure
                errors.append(f"poller {i}: {error!r}")
            finally:
                connection.close()

        workers = [threading.Thread(target=poller, args=(i,)) for i in range(threads)]
        if advancer:
            workers.append(threading.Thread(target=lambda: (barrier.wait(), advancer())))
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        claim(not errors, f"pollers failed: {errors}")
        return answers

    # The clock still: every answer is the same.
    still = poll_all()
    bodies = {body for answers in still for _, body in answers}
    claim(all(status == 200 for answers in still for status, _ in answers), "a poll was not answered 200")
    claim(len(bodies) == 1, f"{len(bodies)} different answers with the clock still: {sorted(bodies)[:3]}")

    # The clock moving meanwhile: each poller sees the world only move forward.
    def advancer():
        for _ in range(10):
            server.advance("10s")
            time.sleep(0.005)

    moving = poll_all(advancer)
    for i, answers in enumerate(moving):
        claim(all(status == 200 for status, _ in answers), f"poller {i}: a poll was not answered 200")
        progress = [json.loads(body)["progress"] for _, body in answers]
        applied = [p["totalEventsApplied"] for p in progress]
        claim(applied == sorted(applied), f"poller {i}: totalEventsApplied went backwards: {applied}")
        for p in progress:
            claim(p["state"] == "RUNNING" and (not p["canCommit"] or p["info"] == "change event application"),
                  f"poller {i}: an inconsistent progress: {p}")
    distinct = {body for answers in moving for _, body in answers}
    claim(len(distinct) <= 11, f"{len(distinct)} different answers from 11 clock positions")
    # Every request was applied exactly once, in one order: recorded, or folded into the identical
    # poll before it (a poll that saw what the last one saw, docs/decisions.md).
    state = server.state()
    steps, folded = state["steps"], state["reads_folded"]
    claim(steps + folded == 1 + 2 * threads * per_thread,
          f"{steps} steps recorded and {folded} folded for 1 start and {2 * threads * per_thread} polls")
    claim(steps <= 1 + 2 * 11 + threads,
          f"{steps} steps recorded for 11 clock positions: identical polls were not folded")
    server.stop()


# --- (h) every session is a reproduction --------------------------------------------------

def RecordedSessionReplaysToLiveTraceHash(workdir):
    server = Server(PIPECHECK, extra=busy_config(workdir), workdir=workdir)
    start = {"source": "cluster0", "destination": "cluster1"}
    server.call("GET", "progress")
    server.call("POST", "commit", {})                      # Refused: IDLE.
    server.call("POST", "start", start)
    server.call("POST", "start", start)                    # Refused: RUNNING.
    server.call("POST", "pause", {})
    server.call("POST", "commit", {})                      # Refused: PAUSED.
    server.advance("90s")
    server.call("POST", "resume", {})
    server.fault("lag", "5m")
    for _ in range(8):
        server.advance("1m")
        server.call("GET", "progress")
    middle = os.path.join(workdir, "middle.json")
    saved = server.ctl("POST", "save", {"path": os.path.basename(middle)})
    server.fault("crash")
    claim(server.api_refuses_connections(), "the API port is open once the crash fault is answered")
    server.advance("2m")
    claim(server.api_refuses_connections(), "the API port is open while the process is down")
    server.ctl("POST", "restart")
    server.advance("3m")
    status, answer, _ = server.call("POST", "commit", {})
    claim(answer == {"success": True}, f"/commit after the restart: {status} {answer}")
    server.advance("10m")
    state = server.state()
    claim(state["states"] == ["COMMITTED"] and not state["violations"], f"the session did not end well: {state}")
    claim(replay(PIPECHECK, middle) == saved["trace_hash"],
          "the mid-session save does not replay to the hash the save reported")
    steps, _, path = server.stop()
    with open(path) as file:
        recorded = json.load(file)
    # A step the client repeated at a steady rate is one step with "repeat" (sim/scenario.h).
    occurrences = sum(s.get("repeat", 1) for s in recorded["steps"])
    claim(occurrences == steps == state["steps"],
          f"the record holds {occurrences} steps; the server printed {steps}, /state showed {state['steps']}")
    refused = [s for s in recorded["steps"] if s.get("expect", {}).get("accepted") is False]
    claim(len(refused) >= 3, f"the record does not keep the refused requests: {recorded['steps'][:8]}")


# --- (g) the emulated release, the lag fault, the window after a resume -----------------

BASE_FIELDS = ["state", "canCommit", "canWrite", "info", "lagTimeSeconds", "totalEventsApplied", "collectionCopy",
               "directionMapping", "mongosyncID", "coordinatorID"]
# The fields each release adds (sources.md 2.3; model/mongosync_version.h).
NEWER_FIELDS = [((1, 9), ["verification"]), ((1, 14), ["estimatedSecondsToCEACatchup"]),
                ((1, 17), ["source", "destination"]), ((1, 19), ["estimatedOplogTimeRemaining", "warnings"]),
                ((1, 21), ["lag"])]


def expected_fields(version):
    major, minor = (int(part) for part in version.split("."))
    return set(BASE_FIELDS) | {field for since, fields in NEWER_FIELDS if (major, minor) >= since for field in fields}


def progress_of(server):
    status, answer, text = server.call("GET", "progress")
    claim(status == 200 and answer.get("success") is True, f"/progress: HTTP {status} {text}")
    return answer["progress"]


def versioned(workdir, version, extra=()):
    return Server(PIPECHECK, extra=["--mongosync-version", version, *extra], workdir=os.path.join(workdir, version))


def ProgressFieldsAndNullsFollowTheEmulatedVersion(workdir):
    for version in ("1.8", "1.9", "1.14", "1.17", "1.19", "1.20", "1.21"):
        server = versioned(workdir, version)
        want = expected_fields(version)
        idle = progress_of(server)
        claim(set(idle) == want, f"{version} IDLE: fields {sorted(idle)}, expected {sorted(want)}")
        nulls = [k for k, v in idle.items() if k not in ("state", "canCommit") and v is not None]
        claim(not nulls, f"{version}: in IDLE every field but state and canCommit is null; not: {nulls}")
        server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
        server.advance("5m")
        running = progress_of(server)
        claim(set(running) == want, f"{version} RUNNING: fields {sorted(running)}, expected {sorted(want)}")
        claim(running["info"] == "change event application", f"{version}: not applying after 5 min: {running}")
        if "lag" in want:
            lag = running["lag"]
            claim(isinstance(lag, dict) and lag.get("overallLagSeconds") == running["lagTimeSeconds"]
                  and "crudLagSeconds" in lag and "ddlLagSeconds" in lag, f"{version}: lag in RUNNING is {lag}")
        if "estimatedOplogTimeRemaining" in want:
            claim(isinstance(running["estimatedOplogTimeRemaining"], int),
                  f"{version}: estimatedOplogTimeRemaining in RUNNING before canWrite: {running}")
            claim(running["warnings"] == [], f"{version}: warnings {running['warnings']}")
        if "verification" in want:
            claim(running["verification"]["source"]["phase"] == "stream hashing", f"{version}: {running}")
        server.call("POST", "pause", {})
        paused = progress_of(server)
        claim(paused["state"] == "PAUSED" and paused["lagTimeSeconds"] is None and paused.get("lag") is None,
              f"{version}: in PAUSED lagTimeSeconds and lag are null: {paused}")
        claim(set(paused) == want, f"{version} PAUSED: fields {sorted(paused)}")
        if "estimatedOplogTimeRemaining" in want:
            claim(paused["estimatedOplogTimeRemaining"] is None, f"{version}: only in RUNNING: {paused}")
        _, _, path = server.stop()
        with open(path) as file:
            recorded = json.load(file)["config"].get("mongosync_version")
        claim(recorded == version, f"the record names mongosync_version {recorded}, not {version}")


def lagging_server(workdir, version):
    """A sync applying change events, then 45 s of the lag fault at the defaults."""
    server = versioned(workdir, version)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("5m")
    claim(progress_of(server)["canCommit"] is True, "canCommit is not true before the lag fault")
    server.fault("lag", "10m")
    server.advance("45s")
    return server


def CanCommitWithLag45sIsTrueAt120AndFalseAt121(workdir):
    for version, can_commit in (("1.20", True), ("1.21", False)):
        server = lagging_server(workdir, version)
        progress = progress_of(server)
        claim(progress["lagTimeSeconds"] > 30, f"{version}: lag is {progress['lagTimeSeconds']} after 45 s stalled")
        claim(progress["canCommit"] is can_commit,
              f"{version}: with lag {progress['lagTimeSeconds']} s canCommit is {progress['canCommit']}, "
              f"not {can_commit}")
        _, answer, _ = server.call("POST", "commit", {})
        claim(answer.get("success") is can_commit, f"{version}: /commit with lag above 30 s answered {answer}")
        server.stop()


def LagFaultGrowsLagAtTheDefaultConfiguration(workdir):
    server = Server(PIPECHECK, workdir=workdir)  # No --config: 2 writes/s, 500 applied/s.
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("5m")
    before = progress_of(server)["lagTimeSeconds"]
    claim(before <= 2, f"lag before the fault is {before} s")
    server.fault("lag", "1h")
    lags, seen = [], []
    for step in range(1, 13):
        server.advance("20s")
        progress = progress_of(server)
        lag = progress["lagTimeSeconds"]
        lags.append(lag)
        claim(lag <= before + 20 * step + 1, f"lag {lag} s exceeds the {20 * step} s elapsed since the fault")
        if lag > 30:
            claim(progress["canCommit"] is False, f"canCommit true at 1.21 with lag {lag} s")
        seen.append(progress)
    claim(all(b > a for a, b in zip(lags, lags[1:])), f"lag does not grow under the fault: {lags}")
    claim(lags[-1] >= 200, f"lag after 4 minutes of the fault is only {lags[-1]} s: {lags}")
    claim(all((p.get("lag") or {}).get("overallLagSeconds") == p["lagTimeSeconds"] for p in seen),
          f"lag.overallLagSeconds is not lagTimeSeconds: {seen[-1]}")
    server.advance("1h")
    after = progress_of(server)
    claim(after["lagTimeSeconds"] <= 2 and after["canCommit"] is True, f"the lag did not recover: {after}")
    server.stop()


def ProgressFailsForTwoMinutesAfterResumeAndRestart(workdir):
    server = Server(PIPECHECK, workdir=workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("5m")
    server.call("POST", "pause", {})
    claim(server.call("POST", "resume", {})[1] == {"success": True}, "/resume failed")
    for wait in ("0s", "1m", "59s"):
        server.advance(wait)
        status, answer, text = server.call("GET", "progress")
        claim(status == 503 and error_shaped(answer) and answer["error"] == "ProgressUnavailable",
              f"/progress {wait} into the window after /resume: HTTP {status} {text}")
    claim(server.call("POST", "pause", {})[1] == {"success": True}, "/pause is refused during the window")
    claim(server.call("POST", "resume", {})[1] == {"success": True}, "/resume failed")
    server.advance("2m")
    claim(progress_of(server)["state"] == "RUNNING", "/progress does not answer 2 minutes after /resume")
    server.fault("crash")
    claim(server.ctl("POST", "restart")["process"] == "up", "the restart was not accepted")
    status, answer, text = server.call("GET", "progress")
    claim(status == 503 and answer["error"] == "ProgressUnavailable", f"/progress after a restart: {status} {text}")
    server.advance("2m")
    claim(progress_of(server)["state"] == "RUNNING", "/progress does not answer 2 minutes after the restart")
    _, _, path = server.stop()  # The replay refuses the same polls.
    with open(path) as file:
        steps = json.load(file)["steps"]
    refused = sum(s.get("repeat", 1) for s in steps
                  if s.get("do") == "progress" and s.get("expect", {}).get("accepted") is False)
    claim(refused >= 3, f"the record does not keep the refused polls: {steps}")


def CutoverScriptRetriesThroughTheWindowAfterARestart(workdir):
    # Polls 10 s apart with 3 retries: only the documented 2 minutes carry
    # the script through the window after the operator's restart.
    server = Server(PIPECHECK, workdir=workdir)
    code, out, err, shim = cutover(server, {1: [{"fault": "crash", "for": "20s"}]},
                                   extra=["--interval", "10", "--retries", "3"])
    claim(shim.injected and shim.injected[0][2]["process"] == "down", f"the crash was not injected: {shim.injected}")
    claim(code == 0, "the script did not ride out the window after the restart:\n" + show(code, out, err))
    unavailable = [line for line in out.splitlines() if "ProgressUnavailable" in line]
    claim(len(unavailable) > 3, f"expected more than --retries failed polls in the 2-minute window:\n{out}")
    committed_at(server)
    server.stop()


def ProgressFieldsKeepTheBoundsAClientReliesOn(workdir):
    """/progress every 30 s of virtual time for 4 hours, a lag fault from 0:30 to 1:30: each field is
    checked in its unit against what the client itself knows (the time elapsed, the previous poll),
    not against the server's world. Lag is seconds, never more than the time since /start, and grows
    no faster than the clock; the lag object agrees with lagTimeSeconds; counts never go back; copied
    bytes never pass the total; the oplog time left and the lag together never pass the retention."""
    server = Server(PIPECHECK, workdir=workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    retention = 24 * 3600
    previous = None
    grew = False
    for step in range(1, 481):
        server.advance("30s")
        if step == 60:
            server.fault("lag", "1h")
        elapsed = step * 30
        p = progress_of(server)
        where = f"at {elapsed} s: {json.dumps(p)[:600]}"
        lag = p["lagTimeSeconds"]
        if lag is not None:
            claim(isinstance(lag, int) and 0 <= lag <= elapsed, f"lagTimeSeconds out of [0, elapsed] {where}")
            claim(p["lag"] is None or (p["lag"]["overallLagSeconds"] == lag and 0 <= p["lag"]["crudLagSeconds"] <= lag
                                       and p["lag"]["ddlLagSeconds"] >= 0), f"the lag object disagrees {where}")
            if previous is not None and previous["lagTimeSeconds"] is not None:
                claim(lag - previous["lagTimeSeconds"] <= 30 + 1, f"lag grew faster than the clock {where}")
                grew = grew or lag > previous["lagTimeSeconds"]
        if p["canCommit"]:
            claim(lag is not None and lag <= 30, f"canCommit with lag over 30 s {where}")
        applied = p["totalEventsApplied"]
        claim(isinstance(applied, int) and 0 <= applied <= 4 * elapsed + 10, f"totalEventsApplied out of bounds {where}")
        copy = p["collectionCopy"]
        claim(0 <= copy["estimatedCopiedBytes"] <= copy["estimatedTotalBytes"], f"copied bytes past the total {where}")
        catchup = p.get("estimatedSecondsToCEACatchup")
        claim(catchup is None or (isinstance(catchup, int) and catchup >= 0), f"a negative catch-up {where}")
        left = p.get("estimatedOplogTimeRemaining")
        claim(left is None or (0 <= left <= retention and left + (lag or 0) <= retention + 1),
              f"the oplog time left and the lag pass the retention {where}")
        if previous is not None:
            claim(applied >= previous["totalEventsApplied"], f"totalEventsApplied went back {where}")
        previous = p
    claim(grew, "the lag fault never made lagTimeSeconds grow")
    server.stop()


CLAIMS = [
    ProgressFieldsKeepTheBoundsAClientReliesOn,
    DocsCurlExamplesAnswerAsDocumented,
    CutoverScriptCommitsWithoutFaults,
    CutoverScriptCommitsOnTheRealClockWithoutControl,
    CutoverScriptStopsOnAnErrorResponse,
    CutoverScriptFailsClearlyWhenNothingListens,
    CutoverScriptWaitsOutLagAndCommitsLater,
    CutoverScriptRetriesThroughShortCrashAndGivesUpOnLongOne,
    CutoverScriptFailsWithConnectionRefusedAfterOplogRollover,
    BadRequestsAnswerInMongosyncErrorShape,
    StartWithoutSourceOrDestinationIsRefused,
    SlowClientDoesNotBlockOthers,
    ManySlowClientsDoNotBlockOthers,
    CrashClosesThePortPromptlyDespiteKeepAliveClients,
    ConcurrentPollersSeeConsistentAnswers,
    RecordedSessionReplaysToLiveTraceHash,
    ProgressFieldsAndNullsFollowTheEmulatedVersion,
    CanCommitWithLag45sIsTrueAt120AndFalseAt121,
    LagFaultGrowsLagAtTheDefaultConfiguration,
    ProgressFailsForTwoMinutesAfterResumeAndRestart,
    CutoverScriptRetriesThroughTheWindowAfterARestart,
]


if __name__ == "__main__":
    sys.exit(run_claims(sys.argv, CLAIMS, sys.modules[__name__]))
