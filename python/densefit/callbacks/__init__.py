"""Keras callbacks."""

from densefit.callbacks.callback import Callback, CallbackList
from densefit.callbacks.history import History
from densefit.callbacks.progbar import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
