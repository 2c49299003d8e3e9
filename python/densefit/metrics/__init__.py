"""Keras metrics. Built-in metrics keep their state natively: standalone `update_state` on
NumPy arrays and compiled into a model, where the native training step updates them as each
batch is computed (no per-batch Python).

Files by family: base.py (Metric API, array handling), reduction.py (Mean, Sum,
MeanMetricWrapper), accuracy.py, confusion.py (counts, Precision, Recall, AUC, "...At..."),
confusion_matrix.py, f_score.py, r2.py, loss_metrics.py (MSE, MAE, crossentropies...),
correlation.py (CosineSimilarity, Pearson and concordance correlations), iou.py (IoU family),
weights.py (Keras's sample-weight broadcasting as native row weights), resolve.py (names and
compile()'s resolution), directions.py (which way each metric improves)."""

from densefit.metrics.accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                       SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                                       TopKCategoricalAccuracy, binary_accuracy,
                                       categorical_accuracy, sparse_categorical_accuracy,
                                       sparse_top_k_categorical_accuracy,
                                       top_k_categorical_accuracy)
from densefit.metrics.base import Metric
from densefit.metrics.confusion import (AUC, FalseNegatives, FalsePositives, Precision,
                                        PrecisionAtRecall, Recall, RecallAtPrecision,
                                        SensitivityAtSpecificity, SpecificityAtSensitivity,
                                        TrueNegatives, TruePositives)
from densefit.metrics.confusion_matrix import ConfusionMatrix, confusion_matrix
from densefit.metrics.correlation import (ConcordanceCorrelation, CosineSimilarity,
                                          PearsonCorrelation, concordance_correlation,
                                          pearson_correlation)
from densefit.metrics.f_score import F1Score, FBetaScore
from densefit.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from densefit.metrics.loss_metrics import (BinaryCrossentropy, CategoricalCrossentropy,
                                           CategoricalHinge, Hinge, KLDivergence, LogCoshError,
                                           MeanAbsoluteError, MeanAbsolutePercentageError,
                                           MeanSquaredError, MeanSquaredLogarithmicError,
                                           Poisson, RootMeanSquaredError,
                                           SparseCategoricalCrossentropy, SquaredHinge)
from densefit.metrics.r2 import R2Score
from densefit.metrics.reduction import Mean, MeanMetricWrapper, Sum
from densefit.metrics.resolve import deserialize, get, resolve, serialize
from densefit.metrics.resolve import LOSS_FUNCTIONS as _LOSS_FUNCTIONS
from densefit.metrics.directions import set_directions as _set_directions

_set_directions(globals())

# keras.metrics also exports the loss functions (keras.metrics.mean_squared_error, ...).
globals().update(_LOSS_FUNCTIONS)

__all__ = [  # noqa: RUF022 (grouped by family, like the imports)
    "Metric", "Mean", "Sum", "MeanMetricWrapper", "get", "resolve", "serialize",
    "deserialize",
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "binary_accuracy",
    "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision", "Recall",
    "AUC", "SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
    "RecallAtPrecision", "ConfusionMatrix", "confusion_matrix", "F1Score", "FBetaScore",
    "MeanSquaredError", "RootMeanSquaredError", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "LogCoshError", "R2Score",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "log_cosh", "binary_focal_crossentropy", "huber",
    "categorical_focal_crossentropy",
    "CosineSimilarity", "PearsonCorrelation", "ConcordanceCorrelation", "pearson_correlation",
    "concordance_correlation", "IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU",
]
