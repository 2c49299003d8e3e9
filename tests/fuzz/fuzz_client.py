"""The test side of the fuzz worker (worker.py): sends a case, waits for its verdict, and turns
a dead or stuck worker into a failing case instead of a dead test run.

    worker = Worker()
    violations = worker.run("run_layouts:predict_layouts", case)   # [] when every property held

A worker that dies (signal, sanitizer report, abort) or does not answer within the case's
timeout raises CaseFailed carrying the case, the worker's stderr (faulthandler's stacks, an
ASan/UBSan report) and whether the case alone, on a fresh worker, does it again: a crash that
needs the cases before it says so and lists them. Hypothesis shrinks on CaseFailed like on any
other failure. DENSEFIT_FUZZ_TIMEOUT_SCALE multiplies every timeout (sanitizer builds run
several times slower)."""

import collections
import json
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_SCALE = float(os.environ.get("DENSEFIT_FUZZ_TIMEOUT_SCALE", "1"))
STARTUP_SECONDS = 60.0
STDERR_TAIL = 6000


class CaseFailed(AssertionError):
    """The worker crashed or hung on a case (the message says which, and how)."""


class _Died(Exception):
    pass


class _Hung(Exception):
    pass


class Worker:
    def __init__(self):
        self.proc = None
        self.cases_run = collections.Counter()  # runner -> cases sent
        self.failures = collections.Counter()  # "crash"/"hang" -> count
        self._recent = collections.deque(maxlen=3)  # this worker's last cases, oldest first

    # ---- the child process ---------------------------------------------------------------------
    def _start(self):
        self._stderr = tempfile.TemporaryFile()
        # The test run's working directory: DENSEFIT_CORE_DIR and friends may be relative.
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr)
        self._recent.clear()
        self._receive(STARTUP_SECONDS * TIMEOUT_SCALE)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def _kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def _stderr_since(self, offset):
        self._stderr.flush()
        self._stderr.seek(offset)
        text = self._stderr.read().decode(errors="replace")
        self._stderr.seek(0, os.SEEK_END)
        return text[-STDERR_TAIL:]

    def _read_exactly(self, size, deadline):
        fd, chunks = self.proc.stdout.fileno(), []
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Hung()
            chunk = os.read(fd, size)
            if not chunk:
                raise _Died()
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _receive(self, timeout):
        deadline = time.monotonic() + timeout
        (size,) = struct.unpack(">I", self._read_exactly(4, deadline))
        return json.loads(self._read_exactly(size, deadline))

    # ---- cases ---------------------------------------------------------------------------------
    def _attempt(self, runner, case, timeout, memory_budget_mb=None):
        """('ok', reply) or (kind, detail) with kind 'crash' or 'hang'."""
        offset = 0
        request = {"runner": runner, "case": case, "timeout": 0.9 * timeout,
                   "memory_budget_mb": memory_budget_mb}
        data = json.dumps(request).encode()
        try:
            if self.proc is None or self.proc.poll() is not None:
                self._start()  # a worker that dies starting up is reported like a crash
            self._stderr.seek(0, os.SEEK_END)
            offset = self._stderr.tell()
            self.proc.stdin.write(struct.pack(">I", len(data)) + data)
            self.proc.stdin.flush()
            reply = self._receive(timeout)
        except (_Died, BrokenPipeError):
            code = self.proc.wait()
            how = f"killed by signal {-code} ({_signal_name(-code)})" if code < 0 else \
                f"exited with status {code}"
            detail = f"the worker {how}\n--- worker stderr ---\n{self._stderr_since(offset)}"
            self.proc = None
            return "crash", detail
        except _Hung:
            self._kill()
            detail = (f"no answer within {timeout:.0f} s; the worker was killed\n--- worker "
                      f"stderr (faulthandler's stacks) ---\n{self._stderr_since(offset)}")
            return "hang", detail
        self._recent.append((runner, case))
        return "ok", reply

    def run(self, runner, case, timeout=20.0, memory_budget_mb=None):
        """The case's violations (a list of messages, empty when every property held); raises
        CaseFailed when the worker crashed or hung on it. With `memory_budget_mb`, growing
        the worker's peak resident memory by more than that is a violation."""
        timeout *= TIMEOUT_SCALE
        self.cases_run[runner] += 1
        before = list(self._recent)
        kind, reply = self._attempt(runner, case, timeout, memory_budget_mb)
        if kind == "ok":
            return reply["violations"]
        self.failures[kind] += 1
        # Alone, on a fresh worker: does the case do it by itself?
        again, _ = self._attempt(runner, case, timeout, memory_budget_mb)
        if again == kind:
            alone = "yes: the case alone, on a fresh worker, does it again"
        else:
            alone = ("NO: on a fresh worker the case passes; it needed the cases before it "
                     "(oldest first):\n" + "\n".join(f"  {r} {json.dumps(c)}" for r, c in before))
        raise CaseFailed(f"{kind.upper()} in {runner}\ncase: {json.dumps(case)}\n"
                         f"reproduces alone: {alone}\n{reply}")


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "?"
