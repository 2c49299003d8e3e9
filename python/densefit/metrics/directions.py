"""Which way each built-in metric improves: Keras's `Metric._direction` ("up" or "down"),
which the callbacks' `mode="auto"` reads (callbacks/monitor.py). Metrics Keras gives no
direction (the confusion counts, Mean, Sum, a MeanMetricWrapper of any function) have none,
and mode="auto" refuses them, as Keras does. Set on the classes, so subclasses inherit it."""

UP = ("AUC", "Accuracy", "BinaryAccuracy", "BinaryIoU", "CategoricalAccuracy",
      "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "IoU", "MeanIoU",
      "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Precision", "PrecisionAtRecall",
      "R2Score", "Recall", "RecallAtPrecision", "SensitivityAtSpecificity",
      "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity",
      "TopKCategoricalAccuracy")
DOWN = ("BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "Hinge",
        "KLDivergence", "LogCoshError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
        "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson", "RootMeanSquaredError",
        "SparseCategoricalCrossentropy", "SquaredHinge")


def set_directions(namespace):
    """Gives the classes in `namespace` (a module's globals) their `_direction`."""
    for names, direction in ((UP, "up"), (DOWN, "down")):
        for name in names:
            namespace[name]._direction = direction
