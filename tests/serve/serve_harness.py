"""tests/serve/serve_harness.py: a `pipecheck serve` process for the client tests.

Server starts `pipecheck serve --port 0 --control-port 0 --record FILE`, reads
both ports from its ready line, and on stop() sends SIGINT, reads the
"recorded N steps to F (trace hash H)" line and checks that `pipecheck replay
F --format json` gives that hash, the hash GET /pipecheck/v1/state showed
just before the stop. Every test's session is therefore also a replay check.

ControlShim is a control endpoint in front of the real one for the example
scripts' --control hook: it forwards every request, and before the N-th
POST /pipecheck/v1/advance it injects the faults planned for N. Faults land at
a fixed point of the script's run, whatever the speed of the machine.

Python standard library only.
"""

import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

READY = re.compile(
    r"^pipecheck serve: (?P<api>.+?): http://(?P<host>[0-9.]+):(?P<port>\d+)(?P<base>/\S*); "
    r"control: http://[0-9.]+:(?P<cport>\d+)/pipecheck/v1/; clock (?P<clock>[^;]+)(; journal (?P<journal>.+))?$")
RECORDED = re.compile(r"^pipecheck serve: recorded (\d+) steps to (.+) \(trace hash ([0-9a-f]{16})\)$")


class ClaimFailed(Exception):
    pass


def claim(condition, message):
    if not condition:
        raise ClaimFailed(message)


def http_json(method, url, body=None, timeout=10, raw_body=None, headers=None):
    """(status, parsed JSON body or None, raw text). Raises URLError when unreachable."""
    data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return status, parsed, text


class Server:
    started = []  # Every server started, for run_claims to kill.

    def __init__(self, pipecheck, model="mongosync", extra=(), workdir=None):
        self.pipecheck = pipecheck
        self.workdir = workdir or tempfile.mkdtemp(prefix="pipecheck-serve-test-")
        os.makedirs(self.workdir, exist_ok=True)
        self.record = os.path.join(self.workdir, "session.json")
        self.stderr_path = os.path.join(self.workdir, "serve.stderr")
        self._stderr = open(self.stderr_path, "w+")
        self.process = subprocess.Popen(
            [pipecheck, "serve", "--model", model, "--port", "0", "--control-port", "0",
             "--record", self.record, "--record-dir", self.workdir, *extra],
            stdout=subprocess.DEVNULL, stderr=self._stderr)
        self.stopped = False
        Server.started.append(self)
        deadline = time.monotonic() + 10
        match = None
        while match is None:
            with open(self.stderr_path) as err:
                for line in err:
                    match = READY.match(line.rstrip("\n")) or match
            if match:
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                with open(self.stderr_path) as err:
                    raise ClaimFailed(f"pipecheck serve printed no ready line; stderr:\n{err.read()}")
            time.sleep(0.02)
        self.host = match["host"]
        self.port = int(match["port"])
        self.control_port = int(match["cport"])
        self.root = f"http://{self.host}:{self.port}"
        self.api = f"{self.root}{match['base'].rstrip('/')}"
        self.control = f"http://{self.host}:{self.control_port}"
        self.journal = match["journal"]
        # The control API's credentials: --control-key, else --api-key.
        extra = list(extra)
        key = None
        for flag in ("--api-key", "--control-key"):
            if flag in extra:
                key = extra[extra.index(flag) + 1]
        self.control_headers = {}
        if key:
            import base64
            self.control_headers["Authorization"] = "Basic " + base64.b64encode(key.encode()).decode()

    # --- control API -------------------------------------------------------------
    def ctl(self, method, path, body=None):
        status, parsed, text = http_json(method, f"{self.control}/pipecheck/v1/{path}", body,
                                         headers=dict(self.control_headers))
        claim(status == 200, f"control {method} {path} {body}: HTTP {status} {text}")
        return parsed

    def state(self):
        return self.ctl("GET", "state")

    def advance(self, by):
        return self.ctl("POST", "advance", {"by": by})

    def fault(self, name, duration=None):
        body = {"fault": name}
        if duration:
            body["for"] = duration
        reply = self.ctl("POST", "fault", body)
        claim(reply.get("accepted") is True, f"fault {body} refused: {reply}")
        return reply

    def trace(self):
        request = urllib.request.Request(f"{self.control}/pipecheck/v1/trace", headers=self.control_headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return [json.loads(line) for line in response.read().decode().splitlines() if line]

    # --- the product API ---------------------------------------------------------
    def call(self, method, name, body=None, **kwargs):
        return http_json(method, f"{self.api}/{name}", body, **kwargs)

    def api_refuses_connections(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return False
        except ConnectionRefusedError:
            return True

    # --- the end: SIGINT, the record, its replay -----------------------------------
    def stop(self):
        """Stops the server and checks its record; returns (steps, hash, record path)."""
        if self.stopped:
            return None
        live_hash = self.state()["trace_hash"]
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise ClaimFailed("pipecheck serve did not stop within 10 s of SIGINT")
        self.stopped = True
        self._stderr.seek(0)
        lines = self._stderr.read().splitlines()
        claim(code == 0, f"pipecheck serve exited {code}; stderr:\n" + "\n".join(lines))
        recorded = [RECORDED.match(line) for line in lines]
        recorded = [m for m in recorded if m]
        claim(len(recorded) == 1, "no 'recorded N steps to F (trace hash H)' line; stderr:\n" + "\n".join(lines))
        steps, path, printed_hash = int(recorded[0][1]), recorded[0][2], recorded[0][3]
        claim(path == self.record, f"recorded to {path}, not to --record {self.record}")
        claim(printed_hash == live_hash,
              f"the hash printed at exit {printed_hash} is not the one GET /state showed, {live_hash}")
        replay_hash = replay(self.pipecheck, path)
        claim(replay_hash == printed_hash,
              f"replay of {path} gives trace hash {replay_hash}; the live session's was {printed_hash}")
        return steps, printed_hash, path

    def kill(self):
        if not self.stopped and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stopped = True


def replay(pipecheck, path):
    """The trace hash `pipecheck replay FILE --format json` reports."""
    result = subprocess.run([pipecheck, "replay", path, "--format", "json"], capture_output=True, text=True,
                            timeout=60)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise ClaimFailed(f"replay {path} printed no JSON (exit {result.returncode}):\n"
                          f"{result.stdout}\n{result.stderr}")
    claim("trace_hash" in report, f"replay {path} reports no trace_hash: {result.stdout[:400]}")
    claim(report.get("passed") is True,
          f"replay {path} did not pass (a recorded answer differs on replay): "
          + json.dumps([e for e in report.get("expectations", []) if not e.get("met")])[:1500])
    return report["trace_hash"]


class ControlShim:
    """A control endpoint that forwards to `server.control` and injects faults.

    plan: {n: [fault body, ...]}: before forwarding the n-th (1-based)
    POST /pipecheck/v1/advance, each fault body is POSTed to /pipecheck/v1/fault.
    """

    def __init__(self, server, plan):
        self.server = server
        self.plan = {n: list(faults) for n, faults in plan.items()}
        self.advances = 0
        self.injected = []  # (advance number, fault body, reply)
        shim = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if method == "POST" and self.path.rstrip("/") == "/pipecheck/v1/advance":
                    shim.advances += 1
                    for fault in shim.plan.get(shim.advances, []):
                        reply = shim.server.ctl("POST", "fault", fault)
                        shim.injected.append((shim.advances, fault, reply))
                status, _, text = http_json(method, shim.server.control + self.path, raw_body=body,
                                            headers=dict(shim.server.control_headers))
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._forward("GET")

            def do_POST(self):
                self._forward("POST")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run_script(script, args, timeout=60):
    """Runs an example script with /usr/bin/python3 (or this interpreter)."""
    result = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout, result.stderr


def run_claims(argv, claims, module):
    """The drivers' command line: PIPECHECK CLAIM|all, or --list.

    Sets module.PIPECHECK; runs each claim in its own directory, killing any
    server it left running; prints PASS or FAIL per claim; returns 0 if all passed.
    """
    if argv[1:] == ["--list"]:
        print("\n".join(c.__name__ for c in claims))
        return 0
    if len(argv) != 3:
        print(module.__doc__, file=sys.stderr)
        return 2
    module.PIPECHECK = os.path.abspath(argv[1])
    selected = claims if argv[2] == "all" else [c for c in claims if c.__name__ == argv[2]]
    if not selected:
        print(f"unknown claim {argv[2]}; --list names them", file=sys.stderr)
        return 2
    failed = 0
    for test in selected:
        workdir = tempfile.mkdtemp(prefix=f"pipecheck-{test.__name__}-")
        started = time.monotonic()
        Server.started = []
        try:
            test(workdir)
            print(f"PASS {test.__name__} ({time.monotonic() - started:.1f} s)")
            shutil.rmtree(workdir, ignore_errors=True)
        except ClaimFailed as failure:
            failed += 1
            print(f"FAIL {test.__name__}: {failure}\n(files kept in {workdir})")
        except Exception:  # noqa: BLE001 - an unexpected error fails the claim too
            failed += 1
            print(f"FAIL {test.__name__}: unexpected error\n{traceback.format_exc()}(files kept in {workdir})")
        finally:
            for server in Server.started:
                server.kill()
    return 1 if failed else 0
