"""Keras callbacks."""

from densefit.callbacks.callback import Callback
from densefit.callbacks.callback_list import CallbackList
from densefit.callbacks.history import History
from densefit.callbacks.progbar import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
