"""Hostile files (run_files.py, fuzz_corrupt.py): valid .keras / .weights.h5 files with random
corruptions load into a working model or are refused with MalformedFileError / ValueError;
never a crash, a hang, an internal error or an allocation the file asked for; and
BackupAndRestore survives any resume position a backup claims."""

from hypothesis import example, given
from hypothesis import strategies as st

from fuzz_profiles import cases
from fuzz_strategies import LOSSES, seeds, small_models

MEMORY_BUDGET_MB = 256  # the models are tiny: anything near this is a file's declared size

JSON_VALUES = st.one_of(
    st.sampled_from([2**62, 2**31, -1, 0, 1e308, -1e308, "x", "", [], {}, None, True, False,
                     3.5, "relu", "../../etc/passwd", [[[[]]]], {"class_name": "Lambda"},
                     {"class_name": "Dense", "config": {"units": 2**62}},
                     {"module": "os", "class_name": "system", "config": {}}]),
    st.integers(), st.text(max_size=8),
    st.builds(lambda depth: {"$": "deep", "depth": depth}, st.integers(2, 600)))
MEMBER_NAMES = st.sampled_from(["../evil.json", "/abs/config.json", "config.json",
                                "model.weights.h5", "metadata.json", "a" * 300, "x\\..\\y",
                                "assets/x", ""])

archive_op = st.one_of(
    st.fixed_dictionaries({"op": st.just("config_edit"),
                           "member": st.sampled_from(["config.json", "config.json",
                                                      "metadata.json"]),
                           "pick": st.integers(0, 500), "value": JSON_VALUES}),
    st.fixed_dictionaries({"op": st.sampled_from(["drop", "duplicate"]),
                           "pick": st.integers(0, 5)}),
    st.fixed_dictionaries({"op": st.just("rename"), "pick": st.integers(0, 5),
                           "name": MEMBER_NAMES}),
    st.fixed_dictionaries({"op": st.just("extra"), "name": MEMBER_NAMES,
                           "size": st.integers(0, 1000)}),
    st.fixed_dictionaries({"op": st.just("bomb"), "pick": st.integers(0, 5),
                           "size": st.sampled_from([1 << 20, 65 << 20])}),
    st.builds(lambda e: {"op": "h5", "edit": e}, st.deferred(lambda: h5_edit)))
byte_op = st.one_of(
    st.fixed_dictionaries({"op": st.just("truncate"), "at": st.floats(0, 1, exclude_max=True)}),
    st.fixed_dictionaries({"op": st.just("flip"),
                           "at": st.lists(st.floats(0, 1, exclude_max=True), min_size=1,
                                          max_size=4),
                           "mask": st.integers(1, 255)}),
    st.fixed_dictionaries({"op": st.just("declared_size"), "pick": st.integers(0, 5),
                           "size": st.sampled_from([0, 100, 2**31, 0xFFFFFFFE])}))
h5_edit = st.one_of(
    st.fixed_dictionaries({"kind": st.just("huge"), "pick": st.integers(0, 20),
                           "shape": st.sampled_from([[2**40], [2**31, 2**31], [2**20, 2**20],
                                                     [3, 2**40]])}),
    st.fixed_dictionaries({"kind": st.just("reshape"), "pick": st.integers(0, 20),
                           "shape": st.sampled_from([[1], [3, 3], [0], [1, 1, 1], [7]])}),
    st.fixed_dictionaries({"kind": st.just("dtype"), "pick": st.integers(0, 20),
                           "dtype": st.sampled_from(["int64", "float16", "float64", "S5",
                                                     "complex64", "bool", "uint8"])}),
    st.fixed_dictionaries({"kind": st.sampled_from(["delete", "soft_link", "external_link",
                                                    "group", "scalar", "nan"]),
                           "pick": st.integers(0, 20)}),
    st.fixed_dictionaries({"kind": st.just("attr"), "pick": st.integers(0, 20),
                           "root": st.booleans(),
                           "key": st.sampled_from(["name", "densefit_backup_position", "x"]),
                           "value": JSON_VALUES}))

KNOWN_MODEL = {"model": {"input_shape": [2], "layers": [], "seed": 0}, "loss": "mse",
               "trained": True, "data_seed": 0}
base = {"model": small_models(), "loss": st.sampled_from(LOSSES), "trained": st.booleans(),
        "data_seed": seeds}


@example(case={**KNOWN_MODEL, "target": "keras", "byte_ops": [],
               "archive_ops": [{"op": "config_edit", "member": "config.json", "pick": 0,
                                "value": [[]]}]})
@cases(ci=150, long=1500)
@given(case=st.fixed_dictionaries({
    **base, "target": st.just("keras"),
    "archive_ops": st.lists(archive_op, max_size=3), "byte_ops": st.lists(byte_op, max_size=2)}))
def test_corrupted_keras_files_load_or_refuse_cleanly(worker, case):
    violations = worker.run("run_files:load_corrupted", case, timeout=30,
                            memory_budget_mb=MEMORY_BUDGET_MB)
    assert not violations, "\n".join(violations)


@example(case={**KNOWN_MODEL, "target": "weights", "byte_ops": [],
               "h5_edits": [{"kind": "huge", "pick": 0, "shape": [2**31, 2**31]}]})
@cases(ci=100, long=1000)
@given(case=st.fixed_dictionaries({
    **base, "target": st.just("weights"),
    "h5_edits": st.lists(h5_edit, max_size=2), "byte_ops": st.lists(byte_op, max_size=2)}))
def test_corrupted_weights_files_load_or_refuse_cleanly(worker, case):
    violations = worker.run("run_files:load_corrupted", case, timeout=30,
                            memory_budget_mb=MEMORY_BUDGET_MB)
    assert not violations, "\n".join(violations)


POSITION_VALUES = st.one_of(st.sampled_from([0, 1, 2, -1, -2**62, 2**62, 2**63, "1", None,
                                             1.5, [], {}]), st.integers())
positions = st.one_of(
    st.fixed_dictionaries({"epoch": POSITION_VALUES, "batch": POSITION_VALUES}),
    st.fixed_dictionaries({"epoch": POSITION_VALUES}),
    st.sampled_from([[], "x", 5, None, {"$": "tuple", "v": [1, 2]}]))


@example(case={**KNOWN_MODEL, "position": {"epoch": -56209911, "batch": -1}, "raw": False,
               "epochs": 2, "save_freq": "epoch"})
@example(case={**KNOWN_MODEL, "position": {"epoch": 0, "batch": 2**63}, "raw": False,
               "epochs": 2, "save_freq": 2})
@example(case={**KNOWN_MODEL, "position": {"epoch": 1}, "raw": False, "epochs": 2,
               "save_freq": "epoch"})
@cases(ci=60, long=600)
@given(case=st.fixed_dictionaries({
    **base, "position": positions, "raw": st.booleans(), "epochs": st.integers(1, 3),
    "save_freq": st.sampled_from(["epoch", 1, 2])}))
def test_backup_positions_resume_inside_the_run_or_refuse_cleanly(worker, case):
    violations = worker.run("run_files:backup_position", case, timeout=15,
                            memory_budget_mb=MEMORY_BUDGET_MB)
    assert not violations, "\n".join(violations)
