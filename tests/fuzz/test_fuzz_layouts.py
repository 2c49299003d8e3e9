"""Shapes, dtypes and memory layouts (run_layouts.py): inference equals a float64 NumPy forward
pass for random chains of Dense/Activation/Dropout, whatever the input's dtype and layout,
and the same values in another layout give bitwise the same answer."""

from hypothesis import given
from hypothesis import strategies as st

from fuzz_profiles import cases
from fuzz_strategies import DTYPES, LAYOUTS, models, seeds

CALLS = ("predict", "predict_batched", "predict_on_batch", "call")
RANKS = ("as_is", "as_is", "as_is", "flat", "split", "1d", "0d", "wrong_size")


@cases(ci=150, long=3000)
@given(model=models(), n=st.one_of(st.integers(0, 12), st.integers(13, 300)),
       data_seed=seeds, dtype=st.sampled_from(DTYPES),
       layouts=st.lists(st.sampled_from(LAYOUTS), min_size=1, max_size=4),
       calls=st.lists(st.sampled_from(CALLS), min_size=1, max_size=3),
       rank=st.sampled_from(RANKS), batch_size=st.integers(1, 64), specials=st.booleans())
def test_inference_matches_numpy_in_every_layout(worker, model, n, data_seed, dtype, layouts,
                                                 calls, rank, batch_size, specials):
    case = {"model": model, "n": n, "data_seed": data_seed, "dtype": dtype,
            "layouts": ["C"] + layouts, "calls": calls, "rank": rank,
            "batch_size": batch_size, "specials": specials}
    violations = worker.run("run_layouts:predict_layouts", case)
    assert not violations, "\n".join(violations)


@cases(ci=50, long=800)
@given(model=models(max_layers=3), data_seed=seeds,
       dtype=st.sampled_from(("float32", "float64", "float16", "int32")),
       layout=st.sampled_from(LAYOUTS), bad_index=st.one_of(st.none(), st.integers(0, 7)))
def test_set_weights_reads_back_in_every_layout(worker, model, data_seed, dtype, layout,
                                                bad_index):
    case = {"model": model, "data_seed": data_seed, "dtype": dtype, "layout": layout,
            "bad_index": bad_index}
    violations = worker.run("run_layouts:set_weights_layouts", case)
    assert not violations, "\n".join(violations)
