"""Data a batch at a time (run_generators.py): generators, PyDatasets and re-iterable objects
yielding good and broken batches of any dtype and layout. Good batches give the arrays'
answers; the first broken one read gets a clean error (or the source's own exception)."""

from hypothesis import given
from hypothesis import strategies as st

from fuzz_profiles import cases
from fuzz_strategies import DTYPES, LAYOUTS, LOSSES, seeds, small_models

GOOD = ("xy", "xy", "xy", "xyw", "list_xy", "dict_x")
BROKEN = ("x", "bare_x", "namedtuple", "four", "none", "str", "empty", "x_width", "y_len",
          "y_width", "label_range", "nan_x", "raise")

batch = st.fixed_dictionaries({
    "kind": st.one_of(st.sampled_from(GOOD), st.sampled_from(BROKEN)),
    "n": st.integers(1, 6), "dtype": st.sampled_from(DTYPES),
    "layout": st.sampled_from(LAYOUTS)})


@cases(ci=200, long=1500)
@given(case=st.fixed_dictionaries({
    "model": small_models(), "loss": st.sampled_from(LOSSES),
    "method": st.sampled_from(["fit", "evaluate", "predict"]),
    "source": st.sampled_from(["generator", "pydataset", "iterable"]),
    "batches": st.lists(batch, min_size=1, max_size=5),
    "steps": st.one_of(st.none(), st.integers(1, 7)), "epochs": st.integers(1, 3),
    "data_seed": seeds}))
def test_batch_sources_match_arrays_or_refuse_cleanly(worker, case):
    violations = worker.run("run_generators:batches", case)
    assert not violations, "\n".join(violations)
