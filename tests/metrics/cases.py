"""The golden cases shared by the metric tests and the script that asks real Keras for their
values (make_golden.py). A case: (id, metric class name, constructor kwargs, input set)."""

import numpy as np


def input_sets():
    """Small fixed arrays (float32) covering the shapes Keras's metrics take."""
    rng = np.random.default_rng(7)
    n = 20
    p = rng.uniform(0.0, 1.0, size=(n, 1)).astype(np.float32)
    p[:4, 0] = [0.0, 1.0, 0.5, 0.25]  # exact bucket edges
    y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    logits = rng.normal(0.0, 2.0, size=(n, 1)).astype(np.float32)
    wide = rng.uniform(-0.5, 1.5, size=(n, 1)).astype(np.float32)  # outside [0, 1] too
    scores = rng.normal(size=(n, 4)).astype(np.float32)
    probs = (np.exp(scores) / np.exp(scores).sum(1, keepdims=True)).astype(np.float32)
    labels = rng.integers(0, 4, size=(n,)).astype(np.float32)
    onehot = np.eye(4, dtype=np.float32)[labels.astype(int)]
    ml_true = rng.integers(0, 2, size=(n, 3)).astype(np.float32)
    ml_pred = rng.uniform(0.0, 1.0, size=(n, 3)).astype(np.float32)
    reg_true = rng.normal(size=(n, 2)).astype(np.float32)
    reg_pred = (reg_true + 0.5 * rng.normal(size=(n, 2))).astype(np.float32)
    pos_true = rng.uniform(0.5, 3.0, size=(n, 2)).astype(np.float32)
    pos_pred = rng.uniform(0.5, 3.0, size=(n, 2)).astype(np.float32)
    sw = rng.uniform(0.0, 2.0, size=(n,)).astype(np.float32)
    sorted_ids = np.argsort(-probs, axis=1).astype(np.float32)
    rounded = (p > 0.5).astype(np.float32)
    rounded[5:8] = 1.0 - rounded[5:8]
    return {
        "binary": (y, p, sw),
        "binary_rounded": (y, rounded, sw),
        "binary_logits": (y, logits, sw),
        "binary_wide": (y, wide, sw),
        "multi": (onehot, probs, sw),
        "multi_sparse": (labels, probs, sw),
        "multi_sorted_ids": (labels, sorted_ids, sw),
        "multilabel": (ml_true, ml_pred, sw),
        "regression": (reg_true, reg_pred, sw),
        "regression_1d": (reg_true[:, :1], reg_pred[:, :1], sw),
        "positive": (pos_true, pos_pred, sw),
        "tutorial_2x2": tutorial_confusion(),
    }


def tutorial_confusion():
    """The training-metrics tutorial's example: TP=35, TN=50, FP=10, FN=5 (100 samples)."""
    y = np.array([1] * 40 + [0] * 60, dtype=np.float32).reshape(-1, 1)
    p = np.array([0.9] * 35 + [0.1] * 5 + [0.2] * 50 + [0.8] * 10, dtype=np.float32).reshape(-1, 1)
    return y, p, np.ones(100, dtype=np.float32)


CASES = [
    ("accuracy", "Accuracy", {}, "binary_rounded"),
    ("binary_accuracy", "BinaryAccuracy", {}, "binary"),
    ("binary_accuracy_07", "BinaryAccuracy", {"threshold": 0.7}, "binary"),
    ("binary_accuracy_logits", "BinaryAccuracy", {"threshold": 0.0}, "binary_logits"),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "multi"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "multi_sparse"),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "multi"),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "multi_sparse"),
    ("sparse_top_k_sorted_ids", "SparseTopKCategoricalAccuracy",
     {"k": 2, "from_sorted_ids": True}, "multi_sorted_ids"),
    ("true_positives", "TruePositives", {}, "binary"),
    ("false_positives", "FalsePositives", {}, "binary"),
    ("true_negatives", "TrueNegatives", {}, "binary"),
    ("false_negatives", "FalseNegatives", {}, "binary"),
    ("true_positives_list", "TruePositives", {"thresholds": [0.7, 0.2, 0.5]}, "binary"),
    ("false_negatives_even", "FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary_wide"),
    ("precision", "Precision", {}, "binary"),
    ("precision_list", "Precision", {"thresholds": [0.3, 0.5, 0.7]}, "binary"),
    ("precision_even_wide", "Precision", {"thresholds": [0.0, 0.5, 1.0]}, "binary_wide"),
    ("precision_generic_wide", "Precision", {"thresholds": [0.0, 1.0]}, "binary_wide"),
    ("precision_top_k", "Precision", {"top_k": 2}, "multi"),
    ("precision_top_k_threshold", "Precision", {"top_k": 2, "thresholds": 0.2}, "multi"),
    ("precision_class_id", "Precision", {"class_id": 1}, "multi"),
    ("precision_multilabel", "Precision", {}, "multilabel"),
    ("recall", "Recall", {}, "binary"),
    ("recall_list", "Recall", {"thresholds": [0.3, 0.5, 0.7]}, "binary"),
    ("recall_top_k", "Recall", {"top_k": 1}, "multi"),
    ("recall_class_id", "Recall", {"class_id": 2, "thresholds": 0.2}, "multi"),
    ("auc", "AUC", {}, "binary"),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary"),
    ("auc_pr_minoring", "AUC", {"curve": "PR", "summation_method": "minoring"}, "binary"),
    ("auc_roc_majoring", "AUC", {"summation_method": "majoring"}, "binary"),
    ("auc_prgain", "AUC", {"curve": "PRGAIN"}, "binary"),
    ("auc_50", "AUC", {"num_thresholds": 50}, "binary"),
    ("auc_thresholds", "AUC", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("auc_thresholds_even", "AUC", {"thresholds": [0.25, 0.5, 0.75]}, "binary"),
    ("auc_logits", "AUC", {"from_logits": True}, "binary_logits"),
    ("auc_wide", "AUC", {}, "binary_wide"),
    ("auc_multi", "AUC", {}, "multilabel"),
    ("auc_multi_label", "AUC", {"multi_label": True}, "multilabel"),
    ("auc_multi_label_pr", "AUC", {"multi_label": True, "curve": "PR"}, "multilabel"),
    ("auc_multi_label_weights", "AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5]},
     "multilabel"),
    ("auc_label_weights", "AUC", {"label_weights": [1.0, 2.0, 0.5]}, "multilabel"),
    ("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.6}, "binary"),
    ("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.6}, "binary"),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.6}, "binary"),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.6}, "binary"),
    ("recall_at_precision_1", "RecallAtPrecision", {"precision": 0.5, "num_thresholds": 1},
     "binary"),
    ("precision_at_recall_class", "PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, "multi"),
    ("sensitivity_at_specificity_10", "SensitivityAtSpecificity",
     {"specificity": 0.8, "num_thresholds": 10}, "binary_wide"),
    ("f1_none", "F1Score", {}, "multi"),
    ("f1_micro", "F1Score", {"average": "micro"}, "multi"),
    ("f1_macro", "F1Score", {"average": "macro"}, "multi"),
    ("f1_weighted", "F1Score", {"average": "weighted"}, "multi"),
    ("f1_threshold", "F1Score", {"average": "macro", "threshold": 0.3}, "multilabel"),
    ("fbeta_2", "FBetaScore", {"beta": 2.0, "average": "macro"}, "multi"),
    ("fbeta_half_none", "FBetaScore", {"beta": 0.5, "threshold": 0.5}, "multilabel"),
    ("mse", "MeanSquaredError", {}, "regression"),
    ("rmse", "RootMeanSquaredError", {}, "regression"),
    ("mae", "MeanAbsoluteError", {}, "regression"),
    ("mape", "MeanAbsolutePercentageError", {}, "positive"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("logcosh", "LogCoshError", {}, "regression"),
    ("r2", "R2Score", {}, "regression"),
    ("r2_1d", "R2Score", {}, "regression_1d"),
    ("r2_variance_weighted", "R2Score", {"class_aggregation": "variance_weighted_average"},
     "regression"),
    ("r2_none", "R2Score", {"class_aggregation": None}, "regression"),
    ("r2_adjusted", "R2Score", {"num_regressors": 3}, "regression"),
    ("bce", "BinaryCrossentropy", {}, "binary"),
    ("bce_logits_smoothing", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "binary_logits"),
    ("cce", "CategoricalCrossentropy", {}, "multi"),
    ("cce_smoothing", "CategoricalCrossentropy", {"label_smoothing": 0.2}, "multi"),
    ("scce", "SparseCategoricalCrossentropy", {}, "multi_sparse"),
    ("kld", "KLDivergence", {}, "multi"),
    ("poisson", "Poisson", {}, "positive"),
    ("hinge", "Hinge", {}, "binary"),
    ("squared_hinge", "SquaredHinge", {}, "binary"),
    ("categorical_hinge", "CategoricalHinge", {}, "multi"),
    ("tutorial_precision", "Precision", {}, "tutorial_2x2"),
    ("tutorial_recall", "Recall", {}, "tutorial_2x2"),
    ("tutorial_accuracy", "BinaryAccuracy", {}, "tutorial_2x2"),
    ("tutorial_tp", "TruePositives", {}, "tutorial_2x2"),
    ("tutorial_tn", "TrueNegatives", {}, "tutorial_2x2"),
    ("tutorial_fp", "FalsePositives", {}, "tutorial_2x2"),
    ("tutorial_fn", "FalseNegatives", {}, "tutorial_2x2"),
]

SPLIT = 12  # the weighted update runs as two batches: rows [:SPLIT] and [SPLIT:]
