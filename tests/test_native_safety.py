"""The native network stays whole whatever it is called with: a huge batch size, sizes that
overflow, allocations that fail. Calls go straight to the bindings (densefit._native.core),
where the Python trainer's checks do not stand in front of them. What could crash the
interpreter runs in a child process, so a crash fails the test instead of ending the run."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import densefit

from densefit import _cuda_loader
from densefit._native import core

LAYERS = [{"kind": "dense", "units": 8, "activation": "relu"}, {"kind": "dense", "units": 3}]
HUGE = [2**31, 10**9, 2**62, 2**63 - 1]
# The CUDA backend's network takes the same calls (skipped without a device).
BACKENDS = ["cpu", pytest.param("cuda", marks=[
    pytest.mark.gpu, pytest.mark.skipif(_cuda_loader.unavailable_reason(0) is not None,
                                        reason=f"no CUDA device: {_cuda_loader.unavailable_reason(0)}")])]

# Shared by the child processes: a small compiled network with fixed weights, and its data.
PRELUDE = textwrap.dedent("""
    import sys
    import numpy as np
    from densefit import _cuda_loader
    from densefit._native import core

    LAYERS = %r
    NETWORK = _cuda_loader.cuda_module().Network if sys.argv[1:] == ["cuda"] else core.Network

    ADAM = {"name": "adam", "learning_rate": 0.01}

    def network(layers=LAYERS, input_dim=4, optimizer=ADAM):
        net = NETWORK(input_dim, layers, 7)
        rng = np.random.default_rng(0)
        net.params[:] = (rng.normal(size=net.num_params) * 0.5).astype(np.float32)
        net.compile({"name": "mse"}, optimizer, [])
        return net

    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    y = rng.normal(size=(16, 3)).astype(np.float32)
""" % (LAYERS,))


def run_child(*parts, backend="cpu", timeout=120):
    """Runs PRELUDE + parts in a fresh interpreter whose network() makes `backend`'s
    networks; returns its stdout (asserts it exited 0)."""
    env = dict(os.environ, DENSEFIT_NUM_THREADS="1")
    code = PRELUDE + "".join(textwrap.dedent(part) for part in parts)
    proc = subprocess.run([sys.executable, "-c", code, backend],
                          capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, (
        f"child exited with {proc.returncode} (negative: killed by that signal)\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-3000:]}")
    return proc.stdout


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("batch_size", HUGE)
def test_train_run_with_a_huge_batch_size_is_one_batch_and_the_next_run_works(batch_size,
                                                                             backend):
    # A batch size past the end of the data is one batch of all the rows (Keras clamps it to
    # the sample count); the scratch follows the rows that exist. The run after it must give
    # what a fresh network with the same weights gives.
    out = run_child(f"""
        net = network()
        net.train_run(x, y, None, None, 0, {batch_size}, 1, 3)
        net.train_run(x, y, None, None, 0, 4, 4, 3)
        ref = network()
        ref.train_run(x, y, None, None, 0, len(x), 1, 3)
        ref.train_run(x, y, None, None, 0, 4, 4, 3)
        assert np.array_equal(net.params, ref.params)
        assert net.results() == ref.results()
        assert net.steps_taken == ref.steps_taken == 5
        print("ok")
    """, backend=backend)
    assert "ok" in out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("batch_size", HUGE)
def test_evaluate_and_predict_with_a_huge_batch_size(batch_size, backend):
    out = run_child(f"""
        net, ref = network(), network()
        net.evaluate_run(x, y, None, None, 0, {batch_size}, 3, 3)
        ref.evaluate_run(x, y, None, None, 0, len(x), 1, 3)
        assert net.results() == ref.results()
        got = np.empty((len(x), 3), np.float32)
        net.predict_run(x, None, 0, len(x), {batch_size}, got)
        want = np.empty_like(got)
        ref.predict_run(x, None, 0, len(x), len(x), want)
        assert np.array_equal(got, want)
        # ...and the network still trains like a fresh one afterwards.
        net.train_run(x, y, None, None, 0, 4, 4, 3)
        ref.train_run(x, y, None, None, 0, 4, 4, 3)
        assert np.array_equal(net.params, ref.params)
        print("ok")
    """, backend=backend)
    assert "ok" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_hooked_run_with_a_huge_batch_size_and_many_steps(backend):
    # Batch positions start + step * batch_size would overflow int64 from the third step on.
    out = run_child("""
        seen = []
        class Hook:
            def on_train_batch_end(self, batch, logs=None):
                seen.append(batch)
        net, ref = network(), network()
        net.train_run_hooked(x, y, None, None, 0, 2**62, 0, 5, 1, 3, [],
                             [Hook().on_train_batch_end], [], None)
        ref.train_run(x, y, None, None, 0, len(x), 1, 3)
        assert np.array_equal(net.params, ref.params)
        assert seen == [0, 1, 2, 3, 4]
        net.train_run(x, y, None, None, 0, 4, 4, 3)
        ref.train_run(x, y, None, None, 0, 4, 4, 3)
        assert np.array_equal(net.params, ref.params)
        print("ok")
    """, backend=backend)
    assert "ok" in out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("call", [
    "net.train_run(x, y, None, None, -4, 4, 1, 3)",
    "net.train_run(x, y, None, None, 0, 4, -1, 3)",
    "net.evaluate_run(x, y, None, None, -1, 4, 1, 3)",
    "net.train_run(x, y, None, None, 0, 0, 1, 3)",
])
def test_bad_run_arguments_raise_and_change_nothing(call, backend):
    out = run_child(f"""
        net = network()
        before = net.params.copy()
        try:
            {call}
        except ValueError as e:
            print("raised:", e)
        else:
            raise AssertionError("no error")
        assert np.array_equal(net.params, before) and net.steps_taken == 0
        print("ok")
    """, backend=backend)
    assert "raised:" in out and "ok" in out


def test_predict_run_range_past_the_data_raises():
    net = core.Network(4, LAYERS, 7)
    x = np.zeros((8, 4), np.float32)
    out = np.empty((8, 3), np.float32)
    for start, count in [(2**62, 2**62), (-1, 2), (4, 5), (2**63 - 1, 1)]:
        with pytest.raises(IndexError):
            net.predict_run(x, None, start, count, 4, out)


@pytest.mark.parametrize("units", [
    [2**62],     # the kernel's 4 x 2**62 overflows int64
    [2**61],     # 4 x 2**61 floats: more than an arena can hold
    [2**58, 7],  # each kernel fits, the parameter offset after them does not
])
def test_dense_units_whose_parameters_cannot_exist_raise_a_clear_error(units):
    layers = [{"kind": "dense", "units": u} for u in units]
    with pytest.raises(ValueError, match="more than fit in memory"):
        core.Network(4, layers, 0)


# ---- allocations that fail ------------------------------------------------------------
# The child lowers its address-space limit (RLIMIT_AS) just above what it uses, so a large
# allocation fails (std::bad_alloc -> MemoryError) while small ones still succeed.
LIMIT = """
    import resource
    def vm_bytes():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    def limit_memory(extra):
        resource.setrlimit(resource.RLIMIT_AS, (vm_bytes() + extra, resource.RLIM_INFINITY))
    def unlimit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
"""

needs_rlimit = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                  reason="RLIMIT_AS and /proc/self/status are Linux's")


@needs_rlimit
def test_parameters_that_do_not_fit_raise_memory_error_naming_them():
    out = run_child(LIMIT, """
        limit_memory(400 << 20)
        try:
            core.Network(4, [{"kind": "dense", "units": 2**30}], 0)  # 20 GB of parameters
        except MemoryError as e:
            print("raised:", e)
    """)
    assert "raised: the network's parameters need" in out


@needs_rlimit
@pytest.mark.parametrize("run", ["train", "evaluate", "predict"])
def test_a_batch_too_large_for_memory_leaves_the_network_as_it_was(run):
    # 4096-wide scratch is ~64 KB per row: 20000 rows need ~1.3 GB, more than the limit,
    # while the data (20000 x 4 floats) and a batch of 4 rows fit easily.
    big_call = {
        "train": "net.train_run(xb, yb, None, None, 0, len(xb), 1, 3)",
        "evaluate": "net.evaluate_run(xb, yb, None, None, 0, len(xb), 1, 3)",
        "predict": "net.predict_run(xb, None, 0, len(xb), len(xb), np.empty((len(xb), 3), np.float32))",
    }[run]
    out = run_child(LIMIT, f"""
        wide = [{{"kind": "dense", "units": 4096, "activation": "relu"}}, {{"kind": "dense", "units": 3}}]
        xb = np.random.default_rng(2).normal(size=(20000, 4)).astype(np.float32)
        yb = np.zeros((20000, 3), np.float32)
        net, ref = network(wide), network(wide)
        limit_memory(400 << 20)
        try:
            {big_call}
        except MemoryError as e:
            assert "a batch of 20000 rows needs" in str(e), e
            print("raised")
        else:
            raise AssertionError("the allocation did not fail: the limit is too high")
        # Still limited: the next normal run must work (it needs ~300 KB of scratch).
        net.train_run(x, y, None, None, 0, 4, 4, 3)
        unlimit_memory()
        ref.train_run(x, y, None, None, 0, 4, 4, 3)
        assert np.array_equal(net.params, ref.params)
        assert net.results() == ref.results() and net.steps_taken == ref.steps_taken == 4
        got, want = np.empty((16, 3), np.float32), np.empty((16, 3), np.float32)
        net.predict_run(x, None, 0, 16, 16, got)
        ref.predict_run(x, None, 0, 16, 16, want)
        assert np.array_equal(got, want)
        print("ok")
    """)
    assert "raised" in out and "ok" in out


@needs_rlimit
def test_a_compile_that_fails_to_allocate_leaves_weights_and_compile_as_they_were():
    # 20M parameters: Adam's slots (160 MB) do not fit in the 120 MB left; SGD without
    # momentum had none. The failed compile asked for another loss as well: the network must
    # still train with SGD and MSE, as a fresh one compiled that way does.
    out = run_child(LIMIT, """
        big = [{"kind": "dense", "units": 20000}]
        xb = np.random.default_rng(2).normal(size=(8, 1000)).astype(np.float32)
        yb = np.random.default_rng(3).normal(size=(8, 20000)).astype(np.float32)
        sgd = {"name": "sgd", "learning_rate": 0.01}
        net = network(big, input_dim=1000, optimizer=sgd)
        weights = net.params.copy()
        limit_memory(120 << 20)
        try:
            net.compile({"name": "mae"}, ADAM, [])
        except MemoryError:
            print("raised")
        else:
            raise AssertionError("the compile did not fail: the limit is too high")
        unlimit_memory()
        assert np.array_equal(net.params, weights)
        assert net.optimizer_slots.size == 0
        ref = network(big, input_dim=1000, optimizer=sgd)
        net.train_run(xb, yb, None, None, 0, 8, 1, 20000)
        ref.train_run(xb, yb, None, None, 0, 8, 1, 20000)
        assert np.array_equal(net.params, ref.params)
        assert net.results() == ref.results()
        print("ok")
    """)
    assert "raised" in out and "ok" in out


def test_an_unaligned_view_is_copied_before_native_code_reads_it():
    """NumPy views can start at any byte (np.frombuffer with an offset); the kernels read
    floats through float pointers, so such input is copied aligned first (UBSan reported
    the misaligned loads on the baseline build)."""
    model = densefit.Sequential([densefit.Input((3,)), densefit.layers.Dense(2)])
    model.compile("sgd", "mse")
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    raw = np.frombuffer(b"\0" + x.tobytes(), dtype=np.uint8)[1:]
    unaligned = raw.view(np.float32).reshape(4, 3)
    assert not unaligned.flags.aligned and np.array_equal(unaligned, x)
    expected = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict(unaligned, verbose=0), expected)
    np.testing.assert_array_equal(model.predict_on_batch(unaligned), expected)
    np.testing.assert_array_equal(np.asarray(model(unaligned)), expected)
    assert np.isfinite(model.train_on_batch(unaligned, np.zeros((4, 2), np.float32)))
    with pytest.raises(TypeError, match="aligned"):
        model._network.predict_run(unaligned, None, 0, 4, 4, np.empty((4, 2), np.float32),
                                   False)
