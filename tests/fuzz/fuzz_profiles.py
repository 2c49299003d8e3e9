"""The fuzz suite's Hypothesis profiles.

    ci    (the default)  a few hundred cases in all, derandomized: the same cases every run,
                         ~1 min on two cores; part of `python -m pytest -q`
    long                 >= 10,000 cases in all, a fresh random draw each run:
                         DENSEFIT_FUZZ_PROFILE=long python -m pytest tests/fuzz
                         (python -m bench.fuzz runs it and writes a summary)

Each property asks for its own number of cases (`cases(ci=..., long=...)`), sized to what one
case costs; the long profile's numbers add up to over 10,000."""

import os
import tempfile

from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE = os.environ.get("DENSEFIT_FUZZ_PROFILE", "ci")
# Hypothesis's own files (its example database, cached Unicode tables) stay out of the
# checkout; the long profile keeps its failures there to replay them on the next run.
HOME = os.path.join(tempfile.gettempdir(), "densefit-hypothesis")
set_hypothesis_home_dir(HOME)

_COMMON = dict(
    deadline=None,  # a case is a round trip to the worker; its time says nothing
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    report_multiple_bugs=False,
    # No "explain" phase: it imports libcst and reruns the failure many times (~30 s) to
    # comment on which arguments matter; the shrunk case says enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
settings.register_profile("ci", derandomize=True, database=None, print_blob=False, **_COMMON)
settings.register_profile("long", derandomize=False, print_blob=True,
                          database=DirectoryBasedExampleDatabase(os.path.join(HOME, "examples")),
                          **_COMMON)
if PROFILE not in ("ci", "long"):
    raise ValueError(f"DENSEFIT_FUZZ_PROFILE must be 'ci' or 'long', got {PROFILE!r}")
settings.load_profile(PROFILE)


def cases(ci, long):
    """A @settings decorator asking for this property's number of cases in the profile."""
    return settings(max_examples=ci if PROFILE == "ci" else long)
