"""tests/serve/hostile_clients_test.py: `pipecheck serve` against clients that are slow, greedy, malformed
or not the operator's, and against its own crash.

Goal: a server left running for a day, pointed at by CI jobs, survives any client on the loopback and loses
nothing a client saw. Method: each claim starts a real `pipecheck serve` process (serve_harness.Server),
attacks it over raw sockets, then checks what a well-behaved client sees (an answer, its status and shape,
the world unchanged) and the server's own state (its peak memory from /proc, its files). Times are
generous upper bounds that a broken server misses by far (a hang, a whole body read), never performance
targets: those are measured in bench/serve-bench.

Usage: hostile_clients_test.py PIPECHECK CLAIM|all, or --list.
"""

import base64
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import ClaimFailed, Server, claim, http_json, replay, run_claims  # noqa: E402

PIPECHECK = None
PIPES = "/organizations/o-1/services/s-1/clickpipes"
# A sanitizer build keeps freed memory in quarantine and maps shadow memory: its resident size says
# nothing about the server's, so memory bounds are judged in the main build only (tests/CMakeLists.txt).
SANITIZED = os.environ.get("PIPECHECK_SANITIZED") == "ON"


# --- raw HTTP on a socket ----------------------------------------------------------------------------------

def connect(port, timeout=5):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_response(sock, buffered=b""):
    """(status, headers dict with lower-case names, body bytes, bytes left over) of one response."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ClaimFailed(f"the connection closed before a whole answer; got {data[:300]!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            while len(rest) < size + 2:
                rest += sock.recv(65536)
            body, rest = body + rest[:size], rest[size + 2:]
            if size == 0:
                return status, headers, body, rest
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def request_bytes(method, path, body=b"", headers=None):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def basic(key):
    return "Basic " + base64.b64encode(key.encode()).decode()


def peak_rss_mb(process):
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise ClaimFailed("no VmHWM in /proc")


def closed_by_server(sock, within):
    """Whether the server closes `sock` (EOF or reset) within `within` seconds."""
    sock.settimeout(within)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def progress_ok(server, timeout=5):
    status, body, text = server.call("GET", "progress", timeout=timeout)
    return status == 200 and body and body.get("success") is True


# --- the claims ----------------------------------------------------------------------------------------------

def slow_clients_do_not_starve_a_good_one(workdir):
    """300 connections trickling a head byte a second leave a well-behaved client answered, and each of
    them is cut off when the read deadline passes, whatever it still sends."""
    server = Server(PIPECHECK, "mongosync", ("--read-timeout", "3s"), workdir)
    slow = []
    for _ in range(300):
        sock = connect(server.port)
        sock.sendall(b"G")
        slow.append(sock)
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for sock in slow:
                try:
                    sock.send(b"E")
                except OSError:
                    pass
            stop.wait(1.0)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        for _ in range(20):
            started = time.monotonic()
            claim(progress_ok(server, timeout=2), "a well-behaved GET /progress was not answered")
            claim(time.monotonic() - started < 1.0,
                  f"a well-behaved GET /progress took {time.monotonic() - started:.2f} s beside 300 slow clients")
        time.sleep(3.5)
        open_after = 0
        for sock in slow:
            sock.setblocking(False)
            try:
                if sock.recv(65536) == b"":
                    continue
            except BlockingIOError:
                open_after += 1
            except OSError:
                continue
        claim(open_after == 0, f"{open_after} of 300 trickling connections were still open past the 3 s deadline")
    finally:
        stop.set()
        thread.join()
        for sock in slow:
            sock.close()
    claim(progress_ok(server), "the server stopped answering after the slow clients")
    server.stop()


def a_huge_chunked_body_is_refused_413_before_authentication(workdir):
    """A chunked body that never ends, without credentials, on the ClickPipes port: 413 in the API's shape
    once the limit is passed, the connection closed, and the server's memory stays small."""
    server = Server(PIPECHECK, "clickpipe", ("--api-key", "id:secret"), workdir)
    sock = connect(server.port, timeout=10)
    sock.sendall(f"POST /v1{PIPES} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Type: application/json\r\n\r\n".encode())
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    sent = 0
    answer = b""
    while sent < 300 * 1024 * 1024:
        readable, writable, _ = select.select([sock], [sock], [], 5)
        if readable:
            answer = sock.recv(65536)
            break
        if not writable:
            raise ClaimFailed(f"the server neither read nor answered after {sent} bytes")
        try:
            sent += sock.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            break
    claim(answer, f"no answer after {sent / 2**20:.1f} MiB of chunked body")
    status, _, body, _ = read_response(sock, answer)
    parsed = json.loads(body)
    claim(status == 413 and parsed.get("status") == 413 and "requestId" in parsed and "error" in parsed,
          f"expected 413 in the ClickPipes shape, got {status} {body!r}")
    claim(sent < 16 * 2**20, f"the server read {sent / 2**20:.1f} MiB before answering 413")
    if not SANITIZED:
        rss = peak_rss_mb(server.process)
        claim(rss < 64, f"the server's peak RSS is {rss:.0f} MB after a huge chunked body")
    claim(closed_by_server(sock, 5), "the connection stayed open after the 413")
    sock.close()
    server.stop()


def pipelined_requests_are_answered_in_order(workdir):
    """8 requests in one write on one connection: 8 answers, in the order asked."""
    server = Server(PIPECHECK, "clickpipe", (), workdir)
    ids = [f"pipe-{n}" for n in range(8)]
    sock = connect(server.port)
    sock.sendall(b"".join(request_bytes("GET", f"/v1{PIPES}/{i}") for i in ids))
    rest = b""
    for expected in ids:
        status, _, body, rest = read_response(sock, rest)
        parsed = json.loads(body)
        claim(status == 404 and expected in parsed.get("error", ""),
              f"answer for {expected} out of order or wrong: {status} {body!r}")
    sock.close()
    server.stop()


def a_malformed_content_length_is_refused_and_nothing_applied(workdir):
    """`Content-Length: abc` on a state change: 400 in the API's shape, and the world is unchanged."""
    server = Server(PIPECHECK, "mongosync", (), workdir)
    claim(server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})[0] == 200, "start failed")
    for raw in (b"POST /api/v1/pause HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: abc\r\n\r\n{}",
                b"POST /api/v1/pause HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                b"POST /api/v1/pause HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"):
        sock = connect(server.port)
        sock.sendall(raw)
        status, _, body, _ = read_response(sock)
        parsed = json.loads(body)
        claim(status == 400 and parsed.get("success") is False and parsed.get("error"),
              f"{raw[:80]!r}: expected 400 in mongosync's shape, got {status} {body!r}")
        sock.close()
    status, body, _ = server.call("GET", "progress")
    claim(body["progress"]["state"] == "RUNNING", f"a malformed request paused the sync: {body}")
    server.stop()


def a_head_over_the_limit_is_refused_431(workdir):
    server = Server(PIPECHECK, "clickpipe", (), workdir)
    sock = connect(server.port)
    sock.sendall(b"GET /v1" + PIPES.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
    status, _, body, _ = read_response(sock)
    claim(status == 431 and json.loads(body).get("status") == 431, f"expected 431, got {status} {body!r}")
    sock.close()
    server.stop()


def the_control_api_needs_the_credentials(workdir):
    """With --api-key every route of both ports needs it (mongosync's API too); --control-key gives the
    control API a key of its own."""
    server = Server(PIPECHECK, "mongosync", ("--api-key", "id:secret"), workdir)
    state_url = f"{server.control}/pipecheck/v1/state"
    status, body, _ = http_json("GET", state_url)
    claim(status == 401 and "error" in body, f"control /state without credentials: {status} {body}")
    status, body, _ = http_json("POST", f"{server.control}/pipecheck/v1/advance", {"by": "1h"},
                                headers={"Authorization": basic("id:wrong")})
    claim(status == 401, f"control /advance with a wrong secret: {status} {body}")
    status, body, _ = http_json("GET", state_url, headers={"Authorization": basic("id:secret")})
    claim(status == 200 and body["now_ms"] == 0, f"control /state with the key: {status} {body}")
    status, body, _ = server.call("GET", "progress")
    claim(status == 401 and body.get("success") is False, f"mongosync API without credentials: {status} {body}")
    status, body, _ = server.call("GET", "progress", headers={"Authorization": basic("id:secret")})
    claim(status == 200, f"mongosync API with the key: {status} {body}")
    server.kill()

    server = Server(PIPECHECK, "clickpipe", ("--api-key", "id:secret", "--control-key", "ops:other"), workdir + "/2")
    status, _, _ = http_json("GET", f"{server.control}/pipecheck/v1/state", headers={"Authorization": basic("id:secret")})
    claim(status == 401, f"the API key opened the control API although --control-key is set: {status}")
    status, _, _ = http_json("GET", f"{server.control}/pipecheck/v1/state", headers={"Authorization": basic("ops:other")})
    claim(status == 200, f"the control key was refused: {status}")
    server.kill()


def web_pages_cannot_drive_the_control_api(workdir):
    """A form post, a text/plain post, another site's Origin and a rebound Host name are refused, and the
    world does not move."""
    server = Server(PIPECHECK, "mongosync", (), workdir)
    advance = f"{server.control}/pipecheck/v1/advance"
    for headers, raw, expected in (
            ({"Content-Type": "application/x-www-form-urlencoded"}, b"by=1h", 415),
            ({"Content-Type": "text/plain"}, b'{"by": "1h"}', 415),
            ({"Content-Type": "application/json", "Origin": "http://evil.example"}, b'{"by": "1h"}', 403),
            ({"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, b'{"by": "1h"}', 403),
            ({"Content-Type": "application/json", "Host": "evil.example"}, b'{"by": "1h"}', 403)):
        status, body, text = http_json("POST", advance, raw_body=raw, headers=headers)
        claim(status == expected and body and "error" in body, f"{headers}: expected {expected}, got {status} {text}")
    claim(server.state()["now_ms"] == 0, "a refused request moved the clock")
    status, body, _ = http_json("POST", advance, {"by": "1h"})
    claim(status == 200 and body["now_ms"] == 3600000, f"the operator's own advance failed: {status} {body}")
    server.stop()


def save_writes_only_plain_names_inside_the_record_dir(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    outside = os.path.join(os.path.dirname(workdir.rstrip("/")), "outside-" + os.path.basename(workdir))
    # "./escape.json" names a file the writer can create: a name check that lets a separator through is seen
    # by it, where the other names may still fail later (the temporary file of "../escape.json" is
    # ".../escape.json.tmp-...", in a directory that does not exist).
    for path in ("../escape.json", "/tmp/escape.json", "sub/escape.json", "./escape.json", "..", ".", "", "a\nb"):
        status, body, text = http_json("POST", f"{server.control}/pipecheck/v1/save", {"path": path})
        claim(status == 400 and "error" in body, f"save {path!r}: expected 400, got {status} {text}")
    claim(not os.path.exists(os.path.join(os.path.dirname(workdir.rstrip("/")), "escape.json")),
          "save wrote outside --record-dir")
    claim(not os.path.exists(outside), "unexpected file")
    reply = server.ctl("POST", "save", {"path": "kept.json"})
    claim(reply["path"] == "kept.json", f"save answered {reply}")
    claim(replay(PIPECHECK, os.path.join(workdir, "kept.json")) == server.state()["trace_hash"],
          "the saved file does not replay to the live hash")
    server.stop()


def save_never_follows_a_symlink(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    target = os.path.join(workdir, "..", os.path.basename(workdir) + "-target.txt")
    with open(target, "w") as out:
        out.write("precious\n")
    os.symlink(target, os.path.join(workdir, "link.json"))
    status, body, text = http_json("POST", f"{server.control}/pipecheck/v1/save", {"path": "link.json"})
    with open(target) as kept:
        claim(kept.read() == "precious\n", "save wrote through a symlink into its target")
    claim(status == 200 and not os.path.islink(os.path.join(workdir, "link.json")),
          f"save over a symlink: {status} {text}; the name should now be a file of its own")
    os.unlink(target)
    server.stop()


def save_never_opens_a_fifo(workdir):
    server = Server(PIPECHECK, "mongosync", (), workdir)
    fifo = os.path.join(workdir, "fifo.json")
    os.mkfifo(fifo)
    started = time.monotonic()
    status, body, text = http_json("POST", f"{server.control}/pipecheck/v1/save", {"path": "fifo.json"}, timeout=5)
    claim(time.monotonic() - started < 3, "save to a FIFO hung")
    claim(status == 200 and os.path.isfile(fifo), f"save over a FIFO: {status} {text}")
    claim(progress_ok(server), "the API stopped answering after a save over a FIFO")
    server.stop()


def a_killed_server_loses_nothing_a_client_saw(workdir):
    """kill -9 after N steps: the journal replays to the live trace hash at step N; cut in its last line,
    it replays to the hash one step earlier."""
    server = Server(PIPECHECK, "mongosync", (), workdir)
    claim(server.journal and os.path.exists(server.journal), f"no journal named in the ready line: {server.journal}")
    hashes = []
    steps = [("POST", "start", {"source": "cluster0", "destination": "cluster1"}), ("POST", "pause", {}),
             ("POST", "resume", {}), ("POST", "pause", {}), ("POST", "resume", {})]
    for method, name, body in steps:
        status, reply, text = server.call(method, name, body)
        claim(status == 200, f"{name}: {status} {text}")
        server.advance("10m")
        hashes.append(server.state()["trace_hash"])
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.stopped = True
    claim(replay(PIPECHECK, server.journal) == hashes[-1], "the journal of a killed server does not replay to "
                                                            "the hash its last answer showed")
    with open(server.journal, "rb") as journal:
        lines = journal.read().splitlines(keepends=True)
    # The last step line (the resume) cut in half, and what came after it gone: the state two advances back.
    last_step = max(i for i, line in enumerate(lines) if b'"do"' in line)
    cut = os.path.join(workdir, "cut.journal")
    with open(cut, "wb") as out:
        out.writelines(lines[:last_step])
        out.write(lines[last_step][: len(lines[last_step]) // 2])
    claim(replay(PIPECHECK, cut) == hashes[-2], "a journal cut in its last line does not replay to the hash "
                                                 "of the step before")


def a_killed_real_clock_server_loses_no_time_a_client_saw(workdir):
    """With the real clock the journal gets the clock's line before each answer: kill -9 right after a
    /state answer, and the journal replays to the hash that answer showed."""
    server = Server(PIPECHECK, "mongosync", ("--clock", "real", "--speed", "600"), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    time.sleep(1.2)
    seen = server.state()
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.stopped = True
    claim(seen["now_ms"] > 0, f"the real clock did not move: {seen}")
    claim(replay(PIPECHECK, server.journal) == seen["trace_hash"],
          f"the journal does not replay to the hash of the last answer ({seen['now']})")


def sighup_and_sigterm_write_the_record(workdir):
    for number, name in ((signal.SIGHUP, "hup"), (signal.SIGTERM, "term")):
        server = Server(PIPECHECK, "mongosync", (), os.path.join(workdir, name))
        server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
        live = server.state()["trace_hash"]
        server.process.send_signal(number)
        claim(server.process.wait(timeout=10) == 0, f"SIG{name.upper()}: exit code {server.process.returncode}")
        server.stopped = True
        claim(os.path.exists(server.record), f"SIG{name.upper()} wrote no record")
        claim(replay(PIPECHECK, server.record) == live, f"the record written on SIG{name.upper()} does not replay")


def polls_that_change_nothing_do_not_grow_the_session(workdir):
    """20,000 /progress polls on one keep-alive connection: the record keeps one of them, the server's
    memory does not grow with them, and the record replays."""
    import http.client
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("1h")
    before_steps = server.state()["steps"]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    first = None
    rss_start = None
    for n in range(20000):
        connection.request("GET", "/api/v1/progress")
        response = connection.getresponse()
        body = response.read()
        claim(response.status == 200, f"poll {n}: {response.status} {body[:200]!r}")
        first = first or body
        claim(body == first, f"poll {n} answered differently with nothing happening: {body[:200]!r}")
        if n == 1000:
            rss_start = peak_rss_mb(server.process)
    connection.close()
    state = server.state()
    claim(state["steps"] <= before_steps + 1, f"20,000 identical polls recorded {state['steps'] - before_steps} steps")
    claim(state["reads_folded"] >= 19999, f"reads_folded is {state['reads_folded']}")
    growth = peak_rss_mb(server.process) - rss_start
    claim(SANITIZED or growth < 4, f"the server grew {growth:.1f} MB over 19,000 polls that change nothing")
    server.stop()


def a_long_advance_leaves_the_api_answering(workdir):
    """advance 60d of a slow workload (half a million writes: a second or more of work, more under the
    sanitizers) runs in parts: the control API answers meanwhile. bench/serve-bench measures 100 days at the
    defaults. A poller runs from before the advance is sent, so a fast machine cannot finish the advance
    before the first poll; only polls sent after the advance and answered before its reply count."""
    os.makedirs(workdir, exist_ok=True)
    config = os.path.join(workdir, "slow-writes.json")
    with open(config, "w") as out:
        json.dump({"writes_per_second": 0.1}, out)
    server = Server(PIPECHECK, "mongosync", ("--config", config), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    polls = []  # (sent, answered, status)
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            sent = time.monotonic()
            status, _, _ = http_json("GET", f"{server.control}/pipecheck/v1/state", timeout=5)
            polls.append((sent, time.monotonic(), status))

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.05)
    advance_sent = time.monotonic()
    reply = http_json("POST", f"{server.control}/pipecheck/v1/advance", {"by": "60d"}, timeout=600)
    advance_answered = time.monotonic()
    stop.set()
    poller.join()
    beside = [p for p in polls if p[0] > advance_sent and p[1] < advance_answered]
    claim(all(p[2] == 200 for p in polls), f"/state answered {sorted(set(p[2] for p in polls))}")
    claim(len(beside) > 0,
          f"no /state poll was sent and answered during the advance ({advance_answered - advance_sent:.2f} s)")
    slowest = max(p[1] - p[0] for p in polls)
    claim(slowest < 1.0, f"/state took {slowest:.2f} s during the advance")
    status, body, _ = reply
    claim(status == 200 and body["now_ms"] == 60 * 86400000, f"the advance answered {status} {body}")
    server.stop()


def a_long_session_keeps_its_trace_on_disk_and_streams_it_whole(workdir):
    """Past a few thousand events the trace lives in an unnamed file in --record-dir, not in memory
    (serve/trace_file.h). GET /pipecheck/v1/trace still gives every event: as many lines as /state's
    trace_events, whose FNV-1a 64 (computed here) is /state's trace_hash; no file is left behind."""
    os.makedirs(workdir, exist_ok=True)
    server = Server(PIPECHECK, "mongosync", (), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    server.advance("12d")
    state = server.state()
    claim(state["trace_events"] > 12000, f"a short trace: {state['trace_events']} events")
    request = urllib.request.Request(f"{server.control}/pipecheck/v1/trace")
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    digest = 0xcbf29ce484222325
    for byte in body:
        digest = ((digest ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    lines = body.count(b"\n")
    claim(lines == state["trace_events"], f"/trace gave {lines} lines; /state says {state['trace_events']} events")
    claim(f"{digest:016x}" == state["trace_hash"], f"/trace hashes to {digest:016x}; /state says {state['trace_hash']}")
    first = json.loads(body[:body.index(b"\n")])
    claim(first.get("t_ms") == 0, f"the first event: {first}")
    server.stop()
    left = sorted(name for name in os.listdir(workdir) if "trace" in name)
    claim(not left, f"files left in --record-dir: {left}")


def idle_connections_are_closed_and_a_full_server_answers_503(workdir):
    server = Server(PIPECHECK, "clickpipe", ("--read-timeout", "1s", "--max-connections", "20"), workdir)
    sock = connect(server.port)
    sock.sendall(request_bytes("GET", f"/v1{PIPES}"))
    status, _, _, _ = read_response(sock)
    claim(status == 200, f"GET list: {status}")
    claim(closed_by_server(sock, 3), "an idle keep-alive connection was still open 3 s past a 1 s deadline")
    sock.close()
    held = [connect(server.port) for _ in range(20)]
    time.sleep(0.2)
    extra = connect(server.port)
    extra.sendall(request_bytes("GET", f"/v1{PIPES}"))
    status, _, body, _ = read_response(extra)
    claim(status == 503 and json.loads(body).get("status") == 503, f"the 21st connection: {status} {body!r}")
    extra.close()
    for sock in held:
        sock.close()
    time.sleep(0.3)
    status, _, _ = http_json("GET", f"{server.api}{PIPES}")
    claim(status == 200, f"after the held connections closed: {status}")
    server.stop()


def a_fast_real_clock_keeps_the_ports_answering(workdir):
    server = Server(PIPECHECK, "mongosync", ("--clock", "real", "--speed", "1000000"), workdir)
    server.call("POST", "start", {"source": "cluster0", "destination": "cluster1"})
    # For 3 s: a tick without the cap runs all the time it is behind, so each tick blocks the loop longer
    # than the last; within the first second the blocks can still be short.
    deadline = time.monotonic() + 3
    asked = 0
    while asked < 10 or time.monotonic() < deadline:
        asked += 1
        started = time.monotonic()
        status, body, _ = http_json("GET", f"{server.control}/pipecheck/v1/state", timeout=5)
        claim(status == 200 and time.monotonic() - started < 1.0,
              f"/state at --speed 1000000: {status} in {time.monotonic() - started:.2f} s")
        time.sleep(0.1)
    server.kill()


CLAIMS = [
    slow_clients_do_not_starve_a_good_one,
    a_huge_chunked_body_is_refused_413_before_authentication,
    pipelined_requests_are_answered_in_order,
    a_malformed_content_length_is_refused_and_nothing_applied,
    a_head_over_the_limit_is_refused_431,
    the_control_api_needs_the_credentials,
    web_pages_cannot_drive_the_control_api,
    save_writes_only_plain_names_inside_the_record_dir,
    save_never_follows_a_symlink,
    save_never_opens_a_fifo,
    a_killed_server_loses_nothing_a_client_saw,
    a_killed_real_clock_server_loses_no_time_a_client_saw,
    sighup_and_sigterm_write_the_record,
    polls_that_change_nothing_do_not_grow_the_session,
    a_long_advance_leaves_the_api_answering,
    a_long_session_keeps_its_trace_on_disk_and_streams_it_whole,
    idle_connections_are_closed_and_a_full_server_answers_503,
    a_fast_real_clock_keeps_the_ports_answering,
]

if __name__ == "__main__":
    sys.exit(run_claims(sys.argv, CLAIMS, sys.modules[__name__]))
