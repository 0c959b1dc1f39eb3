#!/usr/bin/python3
"""bench/serve-load.py: load on `pipecheck serve --model mongosync`'s GET /api/v1/progress.

  serve-load.py PIPECHECK [--clients 8] [--seconds 3] [--latency-requests 2000]

Starts its own server (manual clock, ephemeral ports), sends /start, then:
  - throughput: --clients threads, each on one keep-alive connection, send
    GET /api/v1/progress back to back for --seconds; requests per second;
  - latency: one client, one keep-alive connection, --latency-requests round
    trips of /progress, and as many of GET /api/v1/nope (a 404 that never
    touches the world: the HTTP round trip alone); median and p99 of each, and
    the difference, which is what serving a /progress from the world adds;
    then /progress on a new connection each time, as urllib and curl do.
Every request is a recorded step, so the run also checks that the server
recorded exactly as many steps as requests were answered.
The client is Python (http.client): its own cost is in every figure, and
with the GIL 8 client threads share one core; the figures are a floor for
the server, not its ceiling. Python standard library only.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

READY = re.compile(r"API: http://([0-9.]+):(\d+)/\S*; control: http://[0-9.]+:(\d+)/")


def start_server(pipecheck, workdir):
    err_path = os.path.join(workdir, "serve.stderr")
    err = open(err_path, "w")
    process = subprocess.Popen([pipecheck, "serve", "--model", "mongosync", "--port", "0", "--control-port", "0"],
                               stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(err_path) as text:
            match = READY.search(text.read())
        if match:
            return process, match[1], int(match[2]), int(match[3])
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.kill()
    sys.exit(f"serve-load: pipecheck serve printed no ready line:\n{open(err_path).read()}")


def request(connection, method, path, body=None):
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    response = connection.getresponse()
    return response.status, response.read()


def throughput(host, port, clients, seconds):
    counts = [0] * clients
    failures = []
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        barrier.wait()
        try:
            while not stop.is_set():
                status, _ = request(connection, "GET", "/api/v1/progress")
                if status != 200:
                    failures.append(status)
                counts[i] += 1
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        sys.exit(f"serve-load: {len(failures)} failed requests, e.g. {failures[:3]}")
    return sum(counts), elapsed


def latencies(host, port, path, count, keep_alive=True):
    """Median and p99 round trip in microseconds; without keep_alive, a new connection each."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    request(connection, "GET", path)  # Connect outside the measurement.
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        if not keep_alive:
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        request(connection, "GET", path)
        samples.append((time.perf_counter() - started) * 1e6)
    connection.close()
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pipecheck")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--latency-requests", type=int, default=2000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="pipecheck-serve-bench-")
    process, host, port, control_port = start_server(os.path.abspath(args.pipecheck), workdir)
    try:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        status, body = request(connection, "POST", "/api/v1/start",
                               json.dumps({"source": "cluster0", "destination": "cluster1"}).encode())
        connection.close()
        if status != 200:
            sys.exit(f"serve-load: /start answered {status}: {body!r}")
        answered, elapsed = throughput(host, port, args.clients, args.seconds)
        progress_median, progress_p99 = latencies(host, port, "/api/v1/progress", args.latency_requests)
        baseline_median, baseline_p99 = latencies(host, port, "/api/v1/nope", args.latency_requests)
        fresh_median, fresh_p99 = latencies(host, port, "/api/v1/progress", args.latency_requests, keep_alive=False)
        control = http.client.HTTPConnection(host, control_port, timeout=30)
        _, state = request(control, "GET", "/pipecheck/v1/state")
        control.close()
        steps = json.loads(state)["steps"]
        expected = 1 + answered + 2 * (1 + args.latency_requests)
        if steps != expected:
            sys.exit(f"serve-load: {steps} steps recorded for {expected} requests applied")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    print(f"pipecheck serve --model mongosync, GET /api/v1/progress ({os.cpu_count()} CPUs; Python client)")
    print(f"{'measure':<50} {'value':>12}")
    print(f"{f'throughput, {args.clients} keep-alive clients':<50} {answered / elapsed:>10.0f}/s"
          f"  ({answered} requests in {elapsed:.1f} s)")
    print(f"{'round trip /progress, 1 client: median':<50} {progress_median:>10.0f}us")
    print(f"{'round trip /progress, 1 client: p99':<50} {progress_p99:>10.0f}us")
    print(f"{'round trip 404 (HTTP alone): median':<50} {baseline_median:>10.0f}us")
    print(f"{'round trip 404 (HTTP alone): p99':<50} {baseline_p99:>10.0f}us")
    print(f"{'added by /progress (median difference)':<50} {progress_median - baseline_median:>10.0f}us")
    print(f"{'round trip /progress, new connection each: median':<50} {fresh_median:>10.0f}us")
    print(f"{'round trip /progress, new connection each: p99':<50} {fresh_p99:>10.0f}us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
