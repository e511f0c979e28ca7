"""Callbacks: hooks into `fit`, `evaluate` and `predict`."""

from axone.callbacks.backup_and_restore import BackupAndRestore
from axone.callbacks.callback import Callback, CallbackList
from axone.callbacks.csv_logger import CSVLogger
from axone.callbacks.early_stopping import EarlyStopping
from axone.callbacks.history import History
from axone.callbacks.lambda_callback import LambdaCallback
from axone.callbacks.learning_rate_scheduler import LearningRateScheduler
from axone.callbacks.model_checkpoint import ModelCheckpoint
from axone.callbacks.monitor_callback import MonitorCallback
from axone.callbacks.progbar_logger import ProgbarLogger
from axone.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from axone.callbacks.tensorboard import TensorBoard
from axone.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback", "ProgbarLogger", "ReduceLROnPlateau",
           "TensorBoard", "TerminateOnNaN"]
