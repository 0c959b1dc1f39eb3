#!/usr/bin/env python3
"""clickpipes-pause-edit-resume.py: pause a MongoDB ClickPipe, edit it, resume it.

The documented way to edit a ClickPipe (ClickHouse Cloud API, OpenAPI
paths under /v1/organizations/{org}/services/{service}/clickpipes):

  1. PATCH .../clickpipes/{id}/state {"command": "stop"}, then poll
     GET .../clickpipes/{id} until result.state is Paused (a database pipe
     passes through Pausing);
  2. PATCH .../clickpipes/{id} {"source": {"mongodb": {"settings": {...}}}} (--sync-interval,
     --pull-batch-size) and/or {"source": {"mongodb": {"tableMappingsToAdd": [...]}}}
     (--add DB.COLLECTION), one edit a request; edits require a paused pipe;
  3. PATCH .../clickpipes/{id}/state {"command": "start"}, then poll until
     result.state is Running. Adding a table resumes the pipe by itself
     (Setup, then Snapshot of the new table, then Running), and a "start"
     sent then is refused: the script sends "start" only while the pipe is
     still Paused, and takes a 400 "ClickPipe is already running" as done, as
     the Terraform provider does. A pipe that turns Failed (its resume point
     left the oplog during a long pause, say) is a failure: it needs a resync.

Python standard library only. --url is the API (default https://api.clickhouse.cloud);
--key ID:SECRET is sent as HTTP Basic auth. It works unchanged against
ClickHouse Cloud or against `pipecheck serve --model clickpipe`.

Waiting between polls: by default the script sleeps --interval seconds. With
`pipecheck serve --clock manual` (the default) pass --control
http://127.0.0.1:CONTROL_PORT and the script asks the emulator to advance its
clock by --interval (POST {control}/pipecheck/v1/advance) instead of sleeping;
that hook is the only part of the script that knows about the emulator. With
`pipecheck serve --clock real --speed 60` no --control is needed.

Exit status: 0 the pipe is Running with the edits; 1 the API refused a
request or the pipe failed; 2 bad arguments; 3 the API could not be reached;
4 --timeout passed.
"""

import argparse
import base64
import json
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_TIMEOUT = 1, 3, 4
ALREADY_RUNNING = "ClickPipe is already running"


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Pipe:
    def __init__(self, args):
        self.url = (f"{args.url.rstrip('/')}/v1/organizations/{urllib.parse.quote(args.org)}"
                    f"/services/{urllib.parse.quote(args.service)}/clickpipes/{urllib.parse.quote(args.pipe)}")
        self.auth = None
        if args.key:
            self.auth = "Basic " + base64.b64encode(args.key.encode()).decode()
        self.control = args.control.rstrip("/").removesuffix("/pipecheck/v1") if args.control else None
        self.interval = args.interval
        self.timeout = args.timeout
        self.retries = args.retries
        self.waited = 0

    def log(self, text):
        print(f"[t+{self.waited:>5}s] {text}", flush=True)

    def request(self, method, suffix="", body=None):
        """(HTTP status, JSON answer); a refused connection is retried --retries times."""
        failures = 0
        while True:
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(self.url + suffix, data=data, method=method,
                                             headers={"Content-Type": "application/json"})
            if self.auth:
                request.add_header("Authorization", self.auth)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, text = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read()
            except (urllib.error.URLError, ConnectionError, socket.timeout) as error:
                failures += 1
                reason = describe(getattr(error, "reason", error))
                if failures > self.retries:
                    raise Failure(EXIT_UNREACHABLE, f"cannot reach the ClickPipes API ({failures} attempts in "
                                                    f"a row): {method} {self.url + suffix}: {reason}") from None
                self.log(f"{method} {self.url + suffix}: {reason}; retry {failures} of {self.retries}")
                self.wait()
                continue
            try:
                answer = json.loads(text)
            except ValueError:
                answer = {"status": status, "error": f"not JSON: {text[:200]!r}"}
            return status, answer if isinstance(answer, dict) else {"status": status, "error": repr(answer)[:200]}

    def ok(self, what, status, answer):
        if status == 200 and isinstance(answer.get("result"), dict):
            return answer["result"]
        raise Failure(EXIT_REFUSED, f"{what} failed: HTTP {status}: {answer.get('error')} "
                                    f"(requestId {answer.get('requestId')})")

    def wait(self):
        if self.waited >= self.timeout:
            raise Failure(EXIT_TIMEOUT, f"timed out after {self.waited} s")
        if self.control:
            by = f"{self.interval // 60}m" if self.interval % 60 == 0 else f"{self.interval}s"
            request = urllib.request.Request(f"{self.control}/pipecheck/v1/advance",
                                             data=json.dumps({"by": by}).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            if self.auth:
                # serve --api-key guards its control API with the same key.
                request.add_header("Authorization", self.auth)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
            except (urllib.error.URLError, ConnectionError) as error:
                raise Failure(EXIT_UNREACHABLE, f"the emulator's control API at {self.control}: "
                                                f"{describe(getattr(error, 'reason', error))}") from None
        else:
            time.sleep(self.interval)
        self.waited += self.interval

    def state(self):
        result = self.ok("GET the ClickPipe", *self.request("GET"))
        self.log(f"state={result.get('state')}")
        return result

    def wait_for(self, wanted, passing):
        while True:
            result = self.state()
            if result.get("state") == wanted:
                return result
            if result.get("state") not in passing:
                raise Failure(EXIT_REFUSED, f"the ClickPipe is {result.get('state')} while waiting for {wanted}")
            self.wait()

    def command(self, command):
        status, answer = self.request("PATCH", "/state", {"command": command})
        if command == "start" and status == 400 and answer.get("error") == ALREADY_RUNNING:
            self.log("start: the ClickPipe is already running")
            return
        self.ok(f'PATCH state {{"command": "{command}"}}', status, answer)
        self.log(f"{command}: accepted")

    def run(self, mappings, settings):
        current = self.state()
        known = current.get("source", {}).get("mongodb", {}).get("tableMappings", [])
        wanted = {(m["sourceDatabaseName"], m["sourceCollection"]) for m in mappings}
        present = wanted & {(m.get("sourceDatabaseName"), m.get("sourceCollection")) for m in known}
        if present:
            raise Failure(EXIT_REFUSED, f"the ClickPipe already replicates {sorted(present)}")
        if current.get("state") != "Paused":
            self.command("stop")
        result = self.wait_for("Paused", ("Running", "Pausing", "Paused"))
        # One edit a request; the settings first, since adding a table
        # resumes the pipe and a later edit would find it no longer paused.
        if settings:
            body = {"source": {"mongodb": {"settings": settings}}}
            result = self.ok("PATCH settings", *self.request("PATCH", "", body))
            self.log(f"edit: settings {json.dumps(settings)}; state={result.get('state')}")
        if mappings:
            body = {"source": {"mongodb": {"tableMappingsToAdd": mappings}}}
            result = self.ok("PATCH tableMappingsToAdd", *self.request("PATCH", "", body))
            self.log(f"edit: {len(mappings)} table mapping(s) added; state={result.get('state')}")
        if result.get("state") == "Paused":
            self.command("start")
        else:
            self.log("the edit resumed the ClickPipe by itself")
        result = self.wait_for("Running", ("Paused", "Setup", "Snapshot", "Modifying", "Running"))
        after = result.get("source", {}).get("mongodb", {})
        missing = wanted - {(m.get("sourceDatabaseName"), m.get("sourceCollection"))
                            for m in after.get("tableMappings", [])}
        if missing:
            raise Failure(EXIT_REFUSED, f"Running, but without the new table mapping(s): {sorted(missing)}")
        unset = {k: v for k, v in settings.items() if after.get("settings", {}).get(k) != v}
        if unset:
            raise Failure(EXIT_REFUSED, f"Running, but without the new settings: {unset}")
        self.log("done: Running with the edits")


def describe(reason):
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    return str(reason)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="https://api.clickhouse.cloud", help="the API (default %(default)s)")
    parser.add_argument("--org", required=True, help="organization id")
    parser.add_argument("--service", required=True, help="service id")
    parser.add_argument("--pipe", required=True, help="ClickPipe id")
    parser.add_argument("--key", metavar="ID:SECRET", help="API key, sent as HTTP Basic auth")
    parser.add_argument("--add", metavar="DB.COLLECTION", action="append", default=[],
                        help="a source collection to add to the pipe (repeatable)")
    parser.add_argument("--engine", default="ReplacingMergeTree", choices=("MergeTree", "ReplacingMergeTree", "Null"),
                        help="table engine of the added tables (default %(default)s)")
    parser.add_argument("--sync-interval", type=int, metavar="SECONDS", help="new syncIntervalSeconds")
    parser.add_argument("--pull-batch-size", type=int, metavar="ROWS", help="new pullBatchSize")
    parser.add_argument("--interval", type=int, default=30, help="seconds between polls (default %(default)s)")
    parser.add_argument("--timeout", type=int, default=2 * 3600, help="give up after waiting this long (s)")
    parser.add_argument("--retries", type=int, default=3, help="retries of a refused connection")
    parser.add_argument("--control", metavar="URL",
                        help="pipecheck serve's control API: advance its manual clock instead of sleeping")
    args = parser.parse_args()
    if args.key and ":" not in args.key:
        parser.error("--key must be ID:SECRET")
    if args.interval <= 0 or args.timeout < 0 or args.retries < 0:
        parser.error("--interval must be positive; --timeout and --retries not negative")
    settings = {}
    if args.sync_interval is not None:
        settings["syncIntervalSeconds"] = args.sync_interval
    if args.pull_batch_size is not None:
        settings["pullBatchSize"] = args.pull_batch_size
    if not args.add and not settings:
        parser.error("nothing to edit: give --add DB.COLLECTION, --sync-interval or --pull-batch-size")
    if any(value < 1 for value in settings.values()):
        parser.error("--sync-interval and --pull-batch-size must be at least 1")
    mappings = []
    for name in args.add:
        database, dot, collection = name.partition(".")
        if not dot or not database or not collection:
            parser.error(f"--add {name}: expected DB.COLLECTION")
        mappings.append({"sourceDatabaseName": database, "sourceCollection": collection,
                         "targetTable": f"{database}_{collection}", "tableEngine": args.engine})
    try:
        Pipe(args).run(mappings, settings)
    except Failure as failure:
        print(f"clickpipes-pause-edit-resume: FAILED: {failure}", file=sys.stderr)
        return failure.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
