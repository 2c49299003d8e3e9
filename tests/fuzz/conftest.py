"""The fuzz suite (docs/fuzzing.md): Hypothesis draws case descriptions, a persistent worker
child process (worker.py) runs them, so a native crash or hang fails one case instead of
killing the run.

DENSEFIT_FUZZ_PROFILE picks the Hypothesis profile (fuzz_profiles.py: `ci`, the default, or
`long`). DENSEFIT_FUZZ_STATS=<path> writes, at the end of the session, how many cases each
property ran and how many crashes and hangs the worker had (bench/fuzz.py reads it)."""

import json
import os

import pytest

import fuzz_profiles  # noqa: F401 - registers and loads the profile before any test is made
from fuzz_client import Worker

_WORKER = []


@pytest.fixture(scope="session")
def session_worker():
    worker = Worker()
    _WORKER.append(worker)
    yield worker
    worker.close()


class _Counting:
    """The session's worker, counting the cases each property (test) sends it."""

    def __init__(self, worker, counts, name):
        self._worker, self._counts, self._name = worker, counts, name

    def run(self, runner, case, **kwargs):
        self._counts[self._name] = self._counts.get(self._name, 0) + 1
        return self._worker.run(runner, case, **kwargs)


_COUNTS = {}


@pytest.fixture
def worker(session_worker, request):
    return _Counting(session_worker, _COUNTS, request.node.nodeid)


def pytest_sessionfinish(session):
    path = os.environ.get("DENSEFIT_FUZZ_STATS")
    if not path:
        return
    failures = dict(_WORKER[0].failures) if _WORKER else {}
    with open(path, "w") as f:
        json.dump({"profile": fuzz_profiles.PROFILE, "cases": _COUNTS,
                   "worker_failures": failures}, f, indent=1)
