#!/usr/bin/env python3
"""mongosync-cutover.py: the documented mongosync cutover, as an operator scripts it.

  1. POST /api/v1/start {"source": "cluster0", "destination": "cluster1"}
  2. poll GET /api/v1/progress until state is RUNNING and canCommit is true
  3. POST /api/v1/commit {}
  4. poll GET /api/v1/progress until state is COMMITTED

Python standard library only. It talks to mongosync's REST API at --url (default
http://localhost:27182, mongosync's default port) and works unchanged against a
real mongosync or against `pipecheck serve --model mongosync`.

Waiting between polls: by default the script sleeps --interval seconds. With
`pipecheck serve --clock manual` (the default, deterministic) nothing moves
unless told to, so pass --control http://127.0.0.1:CONTROL_PORT: the script
then asks the emulator to advance its clock by --interval
(POST {control}/pipecheck/v1/advance {"by": "1m"}) instead of sleeping. This
hook is the only part of the script that knows about the emulator. With
`pipecheck serve --clock real --speed 60` the script needs no --control: it
sleeps, and the emulator's simulated minutes pass in real seconds.

A careful script survives short outages: a refused connection is retried up to
--retries times in a row, waiting --interval each time. mongosync documents
that /progress may fail for at least 2 minutes after a resume or a restart, and
that retrying is safe: a /progress that answers success:false is retried
until both --retries attempts and those 2 minutes have passed, so a short --interval still outlasts the window. /start and /commit
are not retried after an error response: they change the migration, and an
error there needs a person.

Exit status:
  0  the migration is COMMITTED
  1  mongosync refused a request (its error and errorDescription are printed)
  2  bad arguments
  3  mongosync could not be reached (connection refused --retries+1 times in a row)
  4  --timeout passed before canCommit or before COMMITTED
"""

import argparse
import json
import socket
import sys
import time
import urllib.error
import urllib.request

EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_TIMEOUT = 1, 3, 4
PROGRESS_DELAY = 120  # Seconds /progress may fail after a resume or restart.


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Unreachable(Exception):
    pass


class Cutover:
    def __init__(self, args):
        self.base = args.url.rstrip("/") + "/api/v1"
        self.control = args.control.rstrip("/").removesuffix("/pipecheck/v1") if args.control else None
        self.interval = args.interval
        self.timeout = args.timeout
        self.retries = args.retries
        self.waited = 0  # Seconds waited between polls (simulated ones with --control).

    def log(self, text):
        print(f"[t+{self.waited:>5}s] {text}", flush=True)

    # --- HTTP ------------------------------------------------------------------------
    def request(self, method, path, body=None):
        """(HTTP status, JSON body). Raises Unreachable when no connection can be made."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        except (urllib.error.URLError, ConnectionError, socket.timeout) as error:
            reason = getattr(error, "reason", error)
            raise Unreachable(f"{method} {self.base}/{path}: {describe(reason)}") from None
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {"success": False, "error": f"HTTP {status}",
                      "errorDescription": f"not JSON: {text[:200]!r}"}
        if not isinstance(answer, dict):
            answer = {"success": False, "error": f"HTTP {status}", "errorDescription": repr(answer)[:200]}
        return status, answer

    def wait(self):
        if self.waited >= self.timeout:
            raise Failure(EXIT_TIMEOUT, f"timed out after {self.waited} s")
        if self.control:
            # The emulator's manual clock: move it instead of sleeping.
            by = f"{self.interval // 60}m" if self.interval % 60 == 0 else f"{self.interval}s"
            request = urllib.request.Request(f"{self.control}/pipecheck/v1/advance",
                                             data=json.dumps({"by": by}).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
            except (urllib.error.URLError, ConnectionError) as error:
                raise Failure(EXIT_UNREACHABLE, f"the emulator's control API at {self.control}: "
                                                f"{describe(getattr(error, 'reason', error))}") from None
        else:
            time.sleep(self.interval)
        self.waited += self.interval

    # --- mongosync ---------------------------------------------------------------------
    def operation(self, name, body):
        """POSTs an operation; a refused connection is retried, an error answer is fatal."""
        failures = 0
        while True:
            try:
                status, answer = self.request("POST", name, body)
            except Unreachable as error:
                failures = self.retry_or_fail(failures, str(error))
                continue
            if answer.get("success") is True:
                self.log(f"/{name}: success")
                return
            raise Failure(EXIT_REFUSED, f"/{name} failed (HTTP {status}): {answer.get('error')}: "
                                        f"{answer.get('errorDescription')}")

    def progress(self):
        """GET /progress, retrying refused connections and success:false answers."""
        failures = 0
        failing_since = None  # When /progress first answered success:false.
        while True:
            try:
                status, answer = self.request("GET", "progress")
            except Unreachable as error:
                failures = self.retry_or_fail(failures, str(error))
                continue
            if answer.get("success") is True and isinstance(answer.get("progress"), dict):
                p = answer["progress"]
                self.log(f"state={p.get('state')} canCommit={json.dumps(p.get('canCommit'))} "
                         f"canWrite={json.dumps(p.get('canWrite'))} info={json.dumps(p.get('info'))} "
                         f"lagTimeSeconds={json.dumps(p.get('lagTimeSeconds'))}")
                return p
            if failing_since is None:
                failing_since = self.waited
            failures = self.retry_or_fail(
                failures, f"/progress answered HTTP {status}: {answer.get('error')}: {answer.get('errorDescription')}",
                unreachable=False, window_since=failing_since)

    def retry_or_fail(self, failures, what, unreachable=True, window_since=None):
        """Counts a failure; waits and returns the count, or raises once retries run out.

        With window_since (a failing /progress), retries also last until
        PROGRESS_DELAY seconds have passed since it first failed."""
        failures += 1
        in_window = window_since is not None and self.waited - window_since < PROGRESS_DELAY
        if failures > self.retries and not in_window:
            if unreachable:
                raise Failure(EXIT_UNREACHABLE, f"cannot reach mongosync ({failures} attempts in a row): {what}; "
                                                f"is the mongosync process running?")
            raise Failure(EXIT_REFUSED, f"giving up after {failures} attempts: {what}")
        limit = f"{self.retries}" if not in_window else f"{self.retries} (or {PROGRESS_DELAY} s)"
        self.log(f"{what}; retry {failures} of {limit} in {self.interval} s")
        self.wait()
        return failures

    def run(self, source, destination):
        self.operation("start", {"source": source, "destination": destination})
        while True:
            p = self.progress()
            if p.get("state") == "RUNNING" and p.get("canCommit") is True:
                break
            if p.get("state") not in ("RUNNING", "PAUSED"):
                raise Failure(EXIT_REFUSED, f"unexpected state {p.get('state')} while waiting for canCommit")
            self.wait()
        self.operation("commit", {})
        while True:
            p = self.progress()
            if p.get("state") == "COMMITTED":
                self.log("cutover complete: COMMITTED")
                return
            if p.get("state") not in ("COMMITTING", "RUNNING"):
                raise Failure(EXIT_REFUSED, f"unexpected state {p.get('state')} while waiting for COMMITTED")
            self.wait()


def describe(reason):
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    return str(reason)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:27182", help="mongosync (default %(default)s)")
    parser.add_argument("--source", default="cluster0")
    parser.add_argument("--destination", default="cluster1")
    parser.add_argument("--interval", type=int, default=60, help="seconds between polls (default %(default)s)")
    parser.add_argument("--timeout", type=int, default=6 * 3600,
                        help="give up after waiting this many seconds in all (default %(default)s)")
    parser.add_argument("--retries", type=int, default=5,
                        help="retries of a refused connection or failed /progress (default %(default)s)")
    parser.add_argument("--control", metavar="URL",
                        help="pipecheck serve's control API: advance its manual clock instead of sleeping")
    args = parser.parse_args()
    if args.interval <= 0 or args.timeout < 0 or args.retries < 0:
        parser.error("--interval must be positive; --timeout and --retries not negative")
    cutover = Cutover(args)
    try:
        cutover.run(args.source, args.destination)
    except Failure as failure:
        print(f"mongosync-cutover: FAILED: {failure}", file=sys.stderr)
        return failure.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
