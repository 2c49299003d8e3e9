"""utils.model_to_dot / plot_model without pydot or graphviz: Keras's errors, in Keras's
order (an unbuilt model first)."""

import sys
import types

import pytest

import densefit
from densefit.utils import model_visualization

NO_PYDOT = "You must install pydot (`pip install pydot`) for model_to_dot to work."
NO_PYDOT_PLOT = "You must install pydot (`pip install pydot`) for `plot_model` to work."
NO_GRAPHVIZ = ("You must install graphviz (see instructions at "
               "https://graphviz.gitlab.io/download/) for `plot_model` to work.")


def _model():
    return densefit.Sequential([densefit.Input((4,)), densefit.layers.Dense(3),
                                densefit.layers.Dense(1)])


@pytest.fixture
def no_pydot(monkeypatch, no_ipython):
    for name in ("pydot", "pydot_ng", "pydotplus"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError


@pytest.fixture
def no_ipython(monkeypatch):
    """No IPython: Keras (which imports it whenever it is installed) would raise, not print."""
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.delitem(sys.modules, "IPython.core.magics.namespace", raising=False)


@pytest.fixture
def pydot_without_graphviz(monkeypatch):
    """A pydot whose render fails as real pydot's does when the `dot` program is missing."""
    fake = types.ModuleType("pydot")

    class PydotException(Exception):
        pass

    class Dot:
        def create(self, *args, **kwargs):
            raise FileNotFoundError("[Errno 2] \"dot\" not found in path.")

    fake.PydotException, fake.Dot = PydotException, Dot
    monkeypatch.setitem(sys.modules, "pydot", fake)
    return fake


def test_without_pydot_both_raise_keras_s_import_error(no_pydot):
    assert not model_visualization.check_pydot()
    with pytest.raises(ImportError) as e:
        densefit.utils.model_to_dot(_model())
    assert str(e.value) == NO_PYDOT
    with pytest.raises(ImportError) as e:
        densefit.utils.plot_model(_model(), to_file="never_written.png")
    assert str(e.value) == NO_PYDOT_PLOT


def test_without_graphviz_plot_model_raises_keras_s_import_error(pydot_without_graphviz,
                                                                   no_ipython, tmp_path):
    assert model_visualization.check_pydot() and not model_visualization.check_graphviz()
    with pytest.raises(ImportError) as e:
        densefit.utils.plot_model(_model(), to_file=tmp_path / "m.png")
    assert str(e.value) == NO_GRAPHVIZ
    assert not (tmp_path / "m.png").exists()


def test_in_a_notebook_the_message_is_printed_instead(no_pydot, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "IPython.core.magics.namespace", types.ModuleType("ns"))
    assert densefit.utils.plot_model(_model()) is None
    assert capsys.readouterr().out == NO_PYDOT_PLOT + "\n"


def test_with_ipython_installed_the_message_is_printed_as_under_keras(no_pydot, monkeypatch,
                                                                       capsys):
    spec = types.SimpleNamespace(name="IPython")
    monkeypatch.setattr(model_visualization.importlib.util, "find_spec",
                        lambda name: spec if name == "IPython" else None)
    assert densefit.utils.plot_model(_model()) is None
    assert capsys.readouterr().out == NO_PYDOT_PLOT + "\n"


def test_an_unbuilt_model_is_refused_before_pydot_is_looked_for(no_pydot):
    unbuilt = densefit.Sequential([densefit.layers.Dense(2)])
    for draw in (densefit.utils.model_to_dot, densefit.utils.plot_model):
        with pytest.raises(ValueError, match="has not yet been built"):
            draw(unbuilt)
