"""Every public class of densefit's Keras namespaces carries its own docstring, and that
docstring names every argument its constructor takes (models are documented separately and are
not collected here)."""

import doctest
import importlib
import inspect
import re

import pytest

from densefit import optimizers

NAMESPACES = ["layers", "losses", "metrics", "optimizers", "optimizers.schedules", "callbacks",
              "initializers", "regularizers", "constraints", "utils"]

# Public functions the Keras API documents alongside those classes.
FUNCTIONS = [("layers", "Input"), ("utils", "to_categorical")]

# Known gaps, reported as strict xfails (a fixed one fails until its entry goes), so that the
# rest of the check stays enforced;
# drop an entry once its docstring is fixed.
# No docstring yet: lives in densefit/layers/layer.py, which this check's change left alone.
DOC_PENDING = set()
# A docstring that does not yet name every argument (an Args section predating the
# convention); every class's docstring names them all now.
ARGS_PENDING = set()


def _public_classes():
    seen = []
    for namespace in NAMESPACES:
        module = importlib.import_module("densefit." + namespace)
        for name in sorted(getattr(module, "__all__", dir(module))):
            obj = getattr(module, name, None)
            if not name.startswith("_") and inspect.isclass(obj):
                seen.append((namespace, name, obj))
    return seen


def _params(obj):
    """The named parameters a user passes: the signature's, without self, *args and **kwargs.
    The optimizers and schedules take `*args, **kwargs` and check them against a table of
    Keras's arguments (`_defaults`, and every optimizer's shared `_COMMON`); those names count
    as parameters too."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    names = [p.name for p in signature.parameters.values()
             if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    table = getattr(obj, "_defaults", None) if inspect.isclass(obj) else None
    if isinstance(table, dict):
        names += [k for k in table if k not in names]
    if inspect.isclass(obj) and issubclass(obj, optimizers.Optimizer):
        names += [k for k in optimizers._COMMON if k not in names]  # the shared arguments
    return names


def _objects():
    found = [(f"{namespace}.{name}", cls) for namespace, name, cls in _public_classes()]
    for namespace, name in FUNCTIONS:
        module = importlib.import_module("densefit." + namespace)
        found.append((f"{namespace}.{name}", getattr(module, name)))
    return found


OBJECTS = _objects()


def _cases(pending, reason):
    return [pytest.param(obj, id=key, marks=[pytest.mark.xfail(reason=reason, strict=True)]
                         if key in pending else []) for key, obj in OBJECTS]


def test_collects_the_namespaces():
    names = {key for key, _ in OBJECTS}
    for expected in ("layers.Dense", "optimizers.Adam", "optimizers.schedules.CosineDecay",
                     "callbacks.Callback", "initializers.GlorotUniform", "regularizers.L1L2",
                     "constraints.MaxNorm", "utils.to_categorical", "layers.Input"):
        assert expected in names
    assert not any(n.startswith("models.") for n in names)


def test_pending_lists_name_real_objects():
    names = {key for key, _ in OBJECTS}
    assert DOC_PENDING <= names and ARGS_PENDING <= names


@pytest.mark.parametrize("obj", _cases(DOC_PENDING, "docstring pending (densefit/layers/layer.py)"))
def test_has_own_docstring(obj):
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    assert doc and doc.strip(), f"{obj.__qualname__} has no docstring of its own"


@pytest.mark.parametrize("obj", _cases(ARGS_PENDING, "docstring predates its Args section"))
def test_docstring_names_every_argument(obj):
    doc = (obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__) or ""
    missing = [p for p in _params(obj) if not re.search(rf"(?<![\w.]){re.escape(p)}\b", doc)]
    assert not missing, f"{obj.__qualname__}'s docstring does not mention {missing}"


def _own_doc(obj):
    return (obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__) or ""


EXAMPLES = [pytest.param(obj, id=key) for key, obj in OBJECTS if ">>>" in _own_doc(obj)]


@pytest.mark.parametrize("obj", EXAMPLES)
def test_docstring_example_runs(obj):
    """The `>>>` example of a docstring prints what it says it prints (a user copies it)."""
    test = doctest.DocTestParser().get_doctest(_own_doc(obj), {}, obj.__qualname__, None, 0)
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.append)
    assert not runner.failures, "".join(report)


def test_examples_are_collected():
    assert len(EXAMPLES) >= 20
