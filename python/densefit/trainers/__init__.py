"""The fit / evaluate / predict loops.

Separation of concerns (as Keras 3's trainers/epoch_iterator.py writes it down):
- arguments.py checks and normalizes every argument of compile / fit / evaluate / predict /
  *_on_batch before anything else runs: a bad one is a ValueError or TypeError naming it,
  never an error from deep inside a run.
- data_adapter.py turns what the user passed (arrays, lists, dicts, ...) into float32
  C-contiguous arrays ONCE per call, checking shapes and raising clear errors before any native
  work starts. It never loops over batches.
- The trainer (trainer.py) owns the epoch loop and the callback protocol. Per epoch it asks the
  native Network to run steps over the arrays by index (one call per epoch, or per
  `steps_per_execution` batches when a callback listens to batches, or per progress-bar redraw)
  and turns the native running results into Keras's `logs` dicts.
- The native Network gathers batches by index, runs forward/loss/backward/update, and keeps the
  running loss and metrics. Python never touches batch data.
"""
