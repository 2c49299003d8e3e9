"""Atomic file replacement: every file densefit saves (models, weights, checkpoints, backups)
is written to a temporary file in the target's directory, flushed, fsynced and renamed over
the target, then the directory is fsynced. A process killed at any point leaves either the
previous file or the new one, never a mix.

Test hook: when DENSEFIT_TEST_PAUSE_BEFORE_RENAME names a path, the writer creates that file
once the new content is in the temporary file and sleeps (up to a minute) before the rename,
so a test can kill the process at the worst moment."""

import contextlib
import os
import tempfile
import time

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` yields a binary file; on a clean exit its content
    replaces `path` atomically; on an exception `path` is untouched and the temporary file
    removed."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=directory)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the file from others
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _test_pause()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def write_bytes(path, data):
    with atomic_write(path) as f:
        f.write(data)


def confirm_overwrite(path):
    """Keras's prompt before replacing an existing file when overwrite=False."""
    answer = input(f"[WARNING] {path} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _fsync_directory(directory):
    # The rename is durable only once the directory entry is; not every OS can open one.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _test_pause():
    marker = os.environ.get("DENSEFIT_TEST_PAUSE_BEFORE_RENAME")
    if not marker:
        return
    with open(marker, "w"):
        pass
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
