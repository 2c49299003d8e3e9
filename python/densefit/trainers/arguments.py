"""The checks of compile / fit / evaluate / predict / *_on_batch arguments, in one place.

Each checker takes what the user passed and returns it normalized (NumPy integers as int, a
single callback as a list, class_weight as {int: float}) or raises a ValueError or TypeError
naming the argument and what was expected. The trainer calls them before any native work
starts, so a bad argument never leaves half a training run behind.
They are O(1) Python (class_weight: O(entries)): fit and train_on_batch sit in users' loops,
so each tests the common exact types first (`type(v) is int`): an isinstance against the
`numbers` ABCs costs a microsecond.

Exception types are Keras's where Keras raises them by design or through Python itself:
TypeError for a count that is not an integer (as `range()` raises), ValueError for a NaN
count (as `int(nan)` raises) and for values out of range. Where Keras accepts a value that
means nothing (`epochs=-1`, `validation_batch_size=-3`, `shuffle="x"`) densefit raises a
ValueError rather than guess."""

import math
import numbers
import reprlib
import sys
from collections.abc import Mapping

import numpy as np

from densefit.callbacks.callback import Callback
from densefit.trainers.batch_iterator import is_batch_source


def count(value, name, minimum, expected):
    """An int >= `minimum`: Python and NumPy integers (anything with `__index__`) but not
    bools, which are flags, nor floats, which Keras's `range()` refuses too."""
    if type(value) is int:  # the common case first: this runs on every fit call
        number = value
    else:
        number = _index(value)
        if number is None:
            if isinstance(value, numbers.Real) and value != value:
                raise ValueError(f"`{name}` must be {expected}, got nan")
            raise TypeError(f"`{name}` must be {expected}, got {_shown(value)}")
    if number < minimum:
        raise ValueError(f"`{name}` must be {expected}, got {number}")
    return number


def _shown(value):
    """A value for a message: short, whatever its size (an array shows its shape)."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"an array of shape {value.shape}"
    return reprlib.repr(value)


def _index(value):
    """The int an integer-like value stands for, or None (bools, floats, arrays of several)."""
    if isinstance(value, (bool, np.bool_)) or not hasattr(value, "__index__"):
        return None
    try:
        return value.__index__()
    except TypeError:  # an ndarray that is not one integer
        return None


def batch_size(value, name="batch_size"):
    """None or a positive int. 0 is an error: the user's documents demand it (Keras 3 reads
    it as 32)."""
    if value is None:
        return None
    return count(value, name, 1, "a positive integer or None")


def steps(value, name):
    """None (all of the data) or a positive number of batches. 0 is an error, as
    batch_size=0 is: Keras reads both as "the default" (`steps or all`), which hides a
    `len(x) // batch_size` that came out 0."""
    if value is None:
        return None
    return count(value, name, 1, "a positive integer or None (None: all of the data)")


def epochs(value):
    return count(value, "epochs", 0, "a non-negative integer")


def initial_epoch(value):
    return count(value, "initial_epoch", 0, "a non-negative integer")


def steps_per_execution(value):
    return count(value, "steps_per_execution", 1, "a positive integer")


_INTEGERS = (int, np.integer, np.bool_)  # bool is an int
_REALS = (int, float, np.integer, np.floating)


def verbose(value):
    """0, 1 or 2 ("auto": 1 on a terminal, else 2); True and False are 1 and 0, as in Keras."""
    if type(value) is int and 0 <= value <= 2:
        return value
    if isinstance(value, str):
        if value == "auto":
            return 1 if sys.stdout.isatty() else 2
    elif isinstance(value, _INTEGERS) and value in (0, 1, 2):
        return int(value)
    raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, got {_shown(value)}")


def shuffle(value):
    """True, False (None reads as False, as in Keras) or Keras 2's "batch"."""
    if value is True or value is False:
        return value
    if value is None:
        return False
    if isinstance(value, str):
        if value == "batch":
            return value
    elif isinstance(value, _INTEGERS) and value in (0, 1):
        return bool(value)
    raise ValueError(f"`shuffle` must be True, False or 'batch', got {_shown(value)}")


def validation_split(value):
    """A fraction in [0, 1) (None reads as 0, as in Keras)."""
    if value is None:
        return 0.0
    if type(value) is not float and not isinstance(value, _REALS):
        raise TypeError(f"`validation_split` must be a float in [0, 1), got {_shown(value)}")
    fraction = float(value)
    if not 0.0 <= fraction < 1.0:  # NaN fails this too
        raise ValueError(f"`validation_split` must be a float in [0, 1), got {_shown(value)}")
    return fraction


def validation_freq(value):
    """A positive int (validate every that many epochs) or a container of epoch numbers
    (Keras 2), returned as something `in` answers in O(1)."""
    expected = "a positive integer or a list of epoch numbers"
    if type(value) is int or isinstance(value, np.integer):
        if value < 1:
            raise ValueError(f"`validation_freq` must be {expected}, got {value}")
        return int(value)
    if isinstance(value, range):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        if not all(type(e) is int or isinstance(e, np.integer) for e in value):
            raise ValueError(f"`validation_freq` must be {expected}, got {_shown(value)}")
        return frozenset(int(e) for e in value)
    raise ValueError(f"`validation_freq` must be {expected}, got {_shown(value)}")


def callbacks(value):
    """A list of Callback instances from None, one callback, or a (nested) list or tuple of
    them, as Keras flattens it."""
    if value is None:
        return []
    if isinstance(value, Callback):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"`callbacks` must be a list of densefit.callbacks.Callback "
                        f"instances, got {_shown(value)}")
    flat = []
    for item in value:
        if isinstance(item, (list, tuple)):
            flat.extend(callbacks(item))
        elif isinstance(item, Callback):
            flat.append(item)
        else:
            raise TypeError(f"`callbacks` must hold densefit.callbacks.Callback instances, "
                            f"got {_shown(item)}")
    return flat


def class_weight(value):
    """{class: weight} as {int: float}, or None. A class is a label's value (Keras looks up
    `class_weight.get(int(label), 1.0)`): keys must be integers (1.0 and NumPy integers are;
    1.5 or a class name would match no label, so Keras would ignore them silently), weights
    finite numbers."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"`class_weight` must be a dict of class index -> weight, got "
                        f"{_shown(value)}")
    table = {}
    for key, weight in value.items():
        if type(key) is not int and not isinstance(key, _INTEGERS) and not (
                isinstance(key, _REALS) and math.isfinite(key) and key == int(key)):
            raise ValueError(f"`class_weight` keys must be integer class indices, got "
                             f"{_shown(key)} (weight {_shown(weight)})")
        if type(weight) is not float and (
                isinstance(weight, bool) or not isinstance(weight, _REALS)) \
                or weight - weight != 0:  # NaN and infinities
            raise ValueError(f"`class_weight` weights must be finite numbers, got "
                             f"{_shown(weight)} for class {_shown(key)}")
        table[int(key)] = float(weight)
    return table


def validation_data(value):
    """A batch source as it is, else (x, y, sample_weight) from a tuple or list of 2 or 3."""
    if is_batch_source(value):
        return value
    expected = ("`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
                "val_sample_weights), or a generator or PyDataset of such batches")
    if not isinstance(value, (list, tuple)) or len(value) not in (2, 3):
        shown = f"a {type(value).__name__} of {len(value)}" if isinstance(
            value, (list, tuple)) else _shown(value)
        raise ValueError(f"{expected}; got {shown}")
    x, y = value[0], value[1]
    if x is None or y is None:
        raise ValueError(f"{expected}; got {'x_val' if x is None else 'y_val'} = None")
    return (x, y, value[2] if len(value) == 3 else None)


def loss_weights(value):
    """One finite number for densefit's one output (a list or dict of one is unwrapped)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, bool) or not isinstance(value, _REALS) or not math.isfinite(value):
        raise ValueError(f"`loss_weights` must be a finite float (one output), got "
                         f"{_shown(value)}")
    return float(value)


def metric_list(value, name):
    """compile()'s metrics as a list: a list or tuple, a dict of one output's list, or one
    metric (which Keras 3 refuses but Keras 2 took)."""
    # Imported here: densefit.callbacks imports this module while densefit is loading.
    from densefit import metrics as metrics_module

    if value is None:
        return []
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"`{name}` as a dict needs one entry per output; this model has one")
        value = next(iter(value.values()))
    if isinstance(value, (str, metrics_module.Metric)):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"`{name}` must be a list of metrics, got {_shown(value)}")
    return list(value)


def x_and_y(x, y, method):
    """The *_on_batch calls take arrays: both are required (densefit models have no add_loss,
    so there is no loss without targets)."""
    if x is None:
        raise ValueError(f"{method}() needs input data `x`")
    if y is None:
        raise ValueError(f"{method}() needs targets `y`")


def batch_source_args(y, sample_weight, validation_split):
    kind = "a generator, PyDataset or iterable of batches"
    if y is not None:
        raise ValueError(f"`y` argument is not supported when using {kind} as input: the "
                         f"batches carry the targets, as (x, y) or (x, y, sample_weight)")
    if sample_weight is not None:
        raise ValueError(f"`sample_weight` argument is not supported when using {kind} as "
                         f"input: yield (x, y, sample_weight) batches instead")
    if validation_split:
        raise ValueError(f"`validation_split` is only supported for arrays, not for {kind}: "
                         f"pass `validation_data` instead")


_LEGACY_KWARGS = frozenset({"max_queue_size", "workers", "use_multiprocessing"})


def legacy_kwargs(kwargs, method):
    """Keras 2's data-loading knobs are accepted (densefit never needs worker processes);
    anything else is a misspelt argument."""
    if kwargs and not _LEGACY_KWARGS.issuperset(kwargs):
        raise TypeError(f"{method}() got unexpected keyword arguments: "
                        f"{sorted(set(kwargs) - _LEGACY_KWARGS)}")
