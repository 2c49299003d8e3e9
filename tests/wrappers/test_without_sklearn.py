"""densefit imports without scikit-learn; the wrappers then raise Keras's ImportError."""

import subprocess
import sys

_SCRIPT = r"""
import sys
sys.modules["sklearn"] = None  # `import sklearn` now raises ImportError
import densefit
from densefit.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer
for cls in (SKLearnClassifier, SKLearnRegressor, SKLearnTransformer):
    try:
        cls(model=None)
    except ImportError as e:
        print(e)
"""


def test_wrappers_need_scikit_learn_only_when_constructed():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [f"{name} requires `scikit-learn` to be installed. Run `pip install "
                   f"scikit-learn` to install it."
                   for name in ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")]


def test_importing_densefit_does_not_import_scikit_learn():
    script = "import sys, densefit; densefit.wrappers; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
