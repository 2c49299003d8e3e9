"""Keras callbacks."""

from densefit.callbacks.backup_and_restore import BackupAndRestore
from densefit.callbacks.callback import Callback
from densefit.callbacks.callback_list import CallbackList
from densefit.callbacks.csv_logger import CSVLogger
from densefit.callbacks.early_stopping import EarlyStopping
from densefit.callbacks.history import History
from densefit.callbacks.lambda_callback import LambdaCallback
from densefit.callbacks.model_checkpoint import ModelCheckpoint
from densefit.callbacks.learning_rate_scheduler import LearningRateScheduler
from densefit.callbacks.progbar import ProgbarLogger
from densefit.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from densefit.callbacks.tensorboard import TensorBoard
from densefit.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau",
           "TensorBoard", "TerminateOnNaN"]
