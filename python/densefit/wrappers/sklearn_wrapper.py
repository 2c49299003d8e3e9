"""keras.wrappers.SKLearnClassifier / SKLearnRegressor / SKLearnTransformer for densefit
models: Keras 3's constructor arguments, target encoding, tags and errors.

Where Keras 3.15's own code contradicts its documentation, these follow the documentation
(docs/sklearn.md): `warm_start=True` goes on training the fitted model, `clone` keeps
`fit_kwargs`, and keyword arguments given to `fit` do not leak into `fit_kwargs`."""

import numpy as np

from densefit.wrappers.utils import (TargetReshaper, assert_sklearn_installed, check_model,
                                     fresh_clone, is_model, model_from_bytes, model_to_bytes,
                                     pack_state, routing_enabled, type_of_target, unpack_state,
                                     validate_data)

try:
    import sklearn
    import sklearn.pipeline
    import sklearn.preprocessing
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


class SKLBase(BaseEstimator):
    """Base class of the scikit-learn wrappers.

    Args:
        model: a compiled densefit model, or a callable returning one. A callable is called
            as `model(X=X, y=y, **model_kwargs)` with the validated inputs and the encoded
            targets. A model instance is cloned (fresh weights, same compile arguments)
            before each fit unless `warm_start=True`.
        warm_start: when True, a refit goes on training the fitted model (`model_`), and a
            model instance is trained as given rather than cloned.
        model_kwargs: keyword arguments for `model` when it is a callable.
        fit_kwargs: keyword arguments for `model.fit`; those passed to `fit` take precedence.

    Attributes:
        model_: the fitted model.
        history_: the History that `model.fit` returned.
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        assert_sklearn_installed(self.__class__.__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self):
        return {"non_deterministic": True}  # scikit-learn < 1.6

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        # A model instance is copied (weights, compile and optimizer state, as Keras's
        # intended deepcopy): with warm_start clones must not train one shared model.
        model = _copy_model(self.model) if is_model(self.model) else self.model
        return type(self)(model=model, warm_start=self.warm_start,
                          model_kwargs=self.model_kwargs, fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self):
        """The epoch the last fit reached (its `epochs`); 0 before fit. (Keras's raises
        AttributeError once fitted.)"""
        history = getattr(self, "history_", None)
        epochs = getattr(history, "epoch", None)
        return epochs[-1] + 1 if epochs else 0

    def set_fit_request(self, **kwargs):
        """Requests metadata (`param=alias`, alias one of True, False, None or a string) for
        `fit`, under scikit-learn's metadata routing."""
        if not routing_enabled():
            raise RuntimeError("This method is only available when metadata routing is "
                               "enabled. You can enable it using "
                               "sklearn.set_config(enable_metadata_routing=True).")
        self._metadata_request = sklearn.utils.metadata_routing.MetadataRequest(
            owner=self.__class__.__name__)
        for param, alias in kwargs.items():
            self._metadata_request.fit.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if is_model(self.model):
            return self.model if self.warm_start else fresh_clone(self.model)
        if not callable(self.model):
            raise TypeError(f"`model` must be a densefit model or a callable returning one, "
                            f"got {type(self.model).__name__}")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Fits the model on X (n_samples, n_features) and y (n_samples,); `kwargs` go to
        `model.fit` over `fit_kwargs`."""
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        check_model(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions, decoded as the targets were given."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X))

    def _process_target(self, y, reset=False):
        """Regressors and transformers hand the model 2-D targets."""
        type_of_target(y, raise_unknown=True)  # Keras's error for an invalid target
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)

    def __getstate__(self):
        return pack_state(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(unpack_state(state))


def _copy_model(model):
    return model_from_bytes(model_to_bytes(model))


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn classifier around a densefit model (keras.wrappers.SKLearnClassifier).

    Labels are one-hot encoded (scikit-learn's OneHotEncoder over the sorted classes) before
    the model sees them, so the model needs one output per class; `predict` returns the
    class of the largest output. See SKLBase for the arguments.

    Attributes:
        model_, history_: as SKLBase.
        classes_: the class labels, sorted.
    """

    def decision_function(self, X):
        """The model's raw outputs."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset=False):
        target_type = type_of_target(y, raise_unknown=True)
        if target_type not in ["binary", "multiclass"]:
            raise ValueError(f"Only binary and multiclass target types are supported. "
                             f"Target type: {target_type}")
        if reset:
            self._target_encoder = sklearn.pipeline.make_pipeline(
                TargetReshaper(), sklearn.preprocessing.OneHotEncoder(sparse_output=False),
            ).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def _more_tags(self):
        return {"poor_score": True}  # scikit-learn < 1.6

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn regressor around a densefit model (keras.wrappers.SKLearnRegressor);
    `score` is R^2. See SKLBase for the arguments."""

    def _more_tags(self):
        return {"poor_score": True}  # scikit-learn < 1.6

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn transformer around a densefit model (keras.wrappers.SKLearnTransformer):
    `transform(X)` is the fitted model's output (an embedding step for a pipeline). See
    SKLBase for the arguments."""

    def transform(self, X):
        """The fitted model's outputs for X."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _more_tags(self):
        return {"preserves_dtype": []}  # scikit-learn < 1.6

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
