"""Threads and signals (run_threads.py): predictions while another thread swaps the weights
are one set's output or the other's, never torn; Ctrl-C stops a long native call promptly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_profiles import cases
from fuzz_strategies import models, seeds


@cases(ci=25, long=300)
@given(model=models(max_layers=3, allow_dropout=False, time_steps=False),
       n=st.integers(64, 512), call=st.sampled_from(["predict_on_batch", "call", "predict"]),
       data_seed=seeds)
def test_predictions_are_never_torn_by_concurrent_set_weights(worker, model, n, call,
                                                              data_seed):
    case = {"model": model, "n": n, "call": call, "data_seed": data_seed, "iterations": 200}
    violations = worker.run("run_threads:torn_predictions", case, timeout=60)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_ctrl_c_interrupts_a_long_native_call(worker, call):
    violations = worker.run("run_threads:interrupt", {"call": call, "delay": 0.3}, timeout=90)
    assert not violations, "\n".join(violations)
