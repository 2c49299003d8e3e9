"""keras.wrappers: scikit-learn estimators around densefit models (SKLearnClassifier,
SKLearnRegressor, SKLearnTransformer).

scikit-learn is imported only when one of them is first looked up, so `import densefit`
never pays for it (and works without it: constructing a wrapper then raises Keras's
ImportError)."""

_NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")

__all__ = list(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        from densefit.wrappers import sklearn_wrapper

        return getattr(sklearn_wrapper, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_NAMES))
