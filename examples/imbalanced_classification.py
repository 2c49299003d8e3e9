"""The accuracy paradox: on 95/5 imbalanced data a classifier can be right 95% of the time
and still miss most of the positive cases. Accuracy alone hides it; precision, recall, AUC
and the confusion matrix show it.

    python examples/imbalanced_classification.py
"""

import numpy as np

import densefit as keras

# 5% positives whose features are only slightly shifted: hard to separate.
rng = np.random.default_rng(0)
n = 10_000
y = (rng.uniform(size=(n, 1)) < 0.05).astype("float32")
x = (rng.normal(size=(n, 8)) + 0.6 * y).astype("float32")
x_train, y_train, x_test, y_test = x[:8000], y[:8000], x[8000:], y[8000:]

keras.utils.set_random_seed(1)
model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
confusion = keras.metrics.ConfusionMatrix(num_classes=2)
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.Precision(name="precision"),
                       keras.metrics.Recall(name="recall"), keras.metrics.AUC(name="auc"),
                       confusion])
model.fit(x_train, y_train, epochs=10, batch_size=64, verbose=0)

logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
(tn, fp), (fn, tp) = confusion.result()
print(f"positives in the test set: {int(y_test.sum())} of {len(y_test)}")
print(f"accuracy  {logs['accuracy']:.3f}   <- looks excellent")
print(f"precision {logs['precision']:.3f}")
print(f"recall    {logs['recall']:.3f}   <- most positives are missed")
print(f"AUC       {logs['auc']:.3f}")
print(f"confusion matrix: TP={tp:.0f} TN={tn:.0f} FP={fp:.0f} FN={fn:.0f}")
print(f"a model that always answers 'negative' scores accuracy "
      f"{1 - y_test.mean():.3f} too")

# Weighting the rare class trades some accuracy for recall.
keras.utils.set_random_seed(1)
balanced = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
balanced.compile(optimizer="adam", loss="binary_crossentropy",
                 metrics=["accuracy", keras.metrics.Recall(name="recall")])
balanced.fit(x_train, y_train, epochs=10, batch_size=64, verbose=0,
             class_weight={0: 1.0, 1: 19.0})
logs = balanced.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"with class_weight={{1: 19}}: accuracy {logs['accuracy']:.3f}, "
      f"recall {logs['recall']:.3f}")
