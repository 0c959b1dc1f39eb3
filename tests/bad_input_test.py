#!/usr/bin/python3
"""tests/bad_input_test.py: every bad input is one line and runs nothing.

  bad_input_test.py PIPECHECK corpus         each entry of tests/bad-input/MANIFEST
  bad_input_test.py PIPECHECK help-defaults  every command's --help shows every default
  bad_input_test.py PIPECHECK version        --version prints `pipecheck X.Y.Z`

A corpus entry holds when pipecheck exits 2, prints nothing on stdout,
prints exactly one line on stderr, `pipecheck: error: WHAT (WHERE)`, with the
entry's WHERE and WHAT text in place, as valid UTF-8 with no control
character, in none of a library's own words, and leaves its scratch
directory (its working directory and {out}) empty: it ran nothing.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "bad-input")

# The classes of bad input the corpus must cover (issue 13, item 3).
REQUIRED_CLASSES = [
    "truncated JSON", "wrong type", "unknown key (top level)", "unknown key (config)",
    "unknown key (step)", "unknown key (expect)", "unknown state", "unknown operation",
    "unknown fault", "unknown model", "unknown mode", "negative duration", "zero duration",
    "overflowing duration", "negative count", "zero count", "overflowing count",
    "steps out of order", "pipe index out of range", "a directory", "an empty file",
    "a 100 MB file", "invalid UTF-8", "deep nesting", "control characters in names",
    "flag out of range", "flag too big for an integer",
]

# Text that only a library writes: its exception ids, its conversion errors,
# the C++ runtime's words.
LIBRARY_WORDS = ["json.exception", "parse_error", "out_of_range", "type_error", "Could not convert",
                 "CLI::", "what():", "terminate called", "std::", "basic_string", "stoi", "stoull",
                 "(internal)", "syntax error while parsing", "last read:"]

BIG_BYTES = 100 * 1000 * 1000


def unescape(text):
    """\\xNN and \\n in a manifest argument stand for that byte."""
    out = bytearray()
    i = 0
    raw = text.encode()
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and re.fullmatch(rb"[0-9a-fA-F]{2}", raw[i + 2:i + 4]):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        elif raw[i:i + 2] == b"\\n":
            out.append(10)
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def read_manifest():
    entries = []
    with open(os.path.join(CORPUS, "MANIFEST"), encoding="utf-8") as manifest:
        for number, line in enumerate(manifest, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.rstrip("\n").split(" | ")]
            if len(fields) != 4:
                sys.exit(f"MANIFEST:{number}: expected CLASS | WHERE | WHAT | ARGUMENTS")
            entries.append((number, *fields))
    return entries


def write_big_files(directory):
    """A 100 MB scenario (one long name) and a 100 MB history (one long line)."""
    big = os.path.join(directory, "big-scenario.json")
    with open(big, "wb") as out:
        out.write(b'{"format": "pipecheck-scenario/1", "model": "clickpipe", "name": "')
        out.write(b"a" * BIG_BYTES)
        out.write(b'", "steps": [], "run_until": "1h"}\n')
    bigh = os.path.join(directory, "big-history.jsonl")
    with open(bigh, "wb") as out:
        out.write(b'{"t": "2026-05-01T10:00:00Z", "pipe": "')
        out.write(b"p" * BIG_BYTES)
        out.write(b'", "state": "Running"}\n')
    return big, bigh


def judge(stdout, stderr, code, where, what, leftovers):
    """The reasons an entry does not hold (none: it holds)."""
    problems = []
    if code != 2:
        problems.append(f"exit {code}, expected 2")
    if stdout:
        problems.append(f"stdout is not empty: {stdout[:200]!r}")
    if leftovers:
        problems.append(f"wrote files: {leftovers}")
    try:
        text = stderr.decode("utf-8")
    except UnicodeDecodeError:
        return problems + [f"stderr is not valid UTF-8: {stderr[:300]!r}"]
    if text.count("\n") != 1 or not text.endswith("\n"):
        return problems + [f"stderr is not exactly one line: {text[:300]!r}"]
    line = text[:-1]
    if any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 for c in line):
        problems.append(f"stderr has a control character: {line!r}")
    match = re.fullmatch(r"pipecheck: error: (.+) \((.+)\)", line)
    if not match:
        return problems + [f"stderr is not 'pipecheck: error: WHAT (WHERE)': {line!r}"]
    # WHERE is the last parenthesised part; WHAT may hold parentheses.
    cut = line.rfind(" (")
    got_what, got_where = line[len("pipecheck: error: "):cut], line[cut + 2:-1]
    for word in LIBRARY_WORDS:
        if word in line:
            problems.append(f"a library's own wording {word!r}: {line!r}")
    if where not in got_where:
        problems.append(f"WHERE {got_where!r} does not contain {where!r}")
    if what not in got_what:
        problems.append(f"WHAT {got_what!r} does not contain {what!r}")
    return problems


def run_corpus(pipecheck):
    entries = read_manifest()
    failures = []
    classes = {entry[1] for entry in entries}
    missing = [c for c in REQUIRED_CLASSES if c not in classes]
    if missing:
        failures.append(f"MANIFEST covers no entry of class: {', '.join(missing)}")
    if len(entries) < 25:
        failures.append(f"MANIFEST has {len(entries)} entries; expected at least 25")
    with tempfile.TemporaryDirectory(prefix="pipecheck-bad-input-") as scratch:
        big, bigh = write_big_files(scratch)
        for number, klass, where, what, arguments in entries:
            work = tempfile.mkdtemp(dir=scratch)
            out = os.path.join(work, "out")
            names = {"{dir}": CORPUS, "{out}": out, "{big}": big, "{bigh}": bigh}
            for name, value in names.items():
                arguments, where = arguments.replace(name, value), where.replace(name, value)
            argv = [pipecheck.encode()] + [unescape(word) for word in shlex.split(arguments.replace("\\", "\\\\"))]
            try:
                result = subprocess.run(argv, cwd=work, stdin=subprocess.DEVNULL, capture_output=True,
                                        timeout=60)
                stdout, stderr, code = result.stdout, result.stderr, result.returncode
            except subprocess.TimeoutExpired:
                stdout, stderr, code = b"", b"", "timeout (it ran something)"
            leftovers = sorted(os.listdir(work))
            # WHERE and WHAT are compared as written: the escapes pipecheck
            # prints for control characters and bad bytes are text.
            problems = judge(stdout, stderr, code, where, what, leftovers)
            label = f"MANIFEST:{number} [{klass}] pipecheck {arguments}"
            if problems:
                failures.append(label + "\n    " + "\n    ".join(problems))
            else:
                print(f"ok   {label}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(entries)} entries, {len(failures)} failures")
    return 1 if failures else 0


def run_help_defaults(pipecheck):
    """Each option that takes a value, other than a required one, names its default."""
    commands = ["spec", "step", "check", "sim", "replay", "graph", "validate", "mutate", "report", "serve"]
    failures = []
    for command in commands:
        result = subprocess.run([pipecheck, command, "--help"], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            failures.append(f"{command} --help exits {result.returncode}")
            continue
        options = []  # [name line, description lines...]
        in_options = False
        for line in result.stdout.splitlines():
            if line.rstrip().endswith(":") and not line.startswith(" "):
                in_options = line.startswith("Options")
                continue
            if not in_options:
                continue
            if re.match(r"  -", line):
                options.append([line])
            elif options and line.startswith("   "):
                options[-1].append(line)
        if not options:
            failures.append(f"{command} --help lists no options")
        for option in options:
            head = option[0].split()
            name = head[0]
            takes_value = len(head) > 1 and re.fullmatch(r"[A-Z:]+.*", head[1]) is not None
            text = " ".join(option)
            if name in ("-h,--help",) or "REQUIRED" in text or not takes_value:
                continue
            if "default" not in text:
                failures.append(f"{command} --help: {name} does not show its default: {text.strip()}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(commands)} commands, {len(failures)} failures")
    return 1 if failures else 0


def run_version(pipecheck, expected):
    result = subprocess.run([pipecheck, "--version"], capture_output=True, text=True, timeout=30)
    line = f"pipecheck {expected}\n"
    if result.returncode != 0 or result.stdout != line or result.stderr:
        print(f"FAIL --version: exit {result.returncode}, stdout {result.stdout!r}, stderr {result.stderr!r}; "
              f"expected {line!r}")
        return 1
    print(f"ok   --version prints {line.strip()!r}")
    return 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    pipecheck, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    if mode == "corpus":
        return run_corpus(pipecheck)
    if mode == "help-defaults":
        return run_help_defaults(pipecheck)
    if mode == "version":
        return run_version(pipecheck, sys.argv[3])
    sys.exit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main())
