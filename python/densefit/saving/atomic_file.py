"""Atomic file replacement: every file densefit saves (models, weights, checkpoints, backups)
is written to a temporary file in the target's directory, flushed, fsynced and renamed over
the target, then the directory is fsynced. A process killed at any point leaves either the
previous file or the new one, never a mix.

A killed writer leaves its temporary file behind. Each is named `.<target>.<host>-<pid>.<random>
.tmp`, so the next write to the same target (from any process) removes those whose writer is
gone: same host, and no process with that pid. A temporary file of a live process (this one,
or another saving to the same path right now) is never touched, nor one from another host
sharing the directory (its pid means nothing here); a pid reused since its writer died keeps
the file until that process ends too.

Test hook: when DENSEFIT_TEST_PAUSE_BEFORE_RENAME names a path, the writer creates that file
once the new content is in the temporary file and sleeps (up to a minute) before the rename,
so a test can kill the process at the worst moment."""

import contextlib
import os
import re
import socket
import tempfile
import time

_UMASK = os.umask(0)
os.umask(_UMASK)
# Dots would make a name ambiguous (".a.b.<host>..." of target "a" or "a.b"): none in it.
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` yields a binary file; on a clean exit its content
    replaces `path` atomically; on an exception `path` is untouched and the temporary file
    removed. Temporary files that killed writers left for `path` are removed first."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    _remove_stale(directory, base)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.{_HOST}-{os.getpid()}.", suffix=".tmp",
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


def _remove_stale(directory, base):
    pattern = re.compile(rf"\.{re.escape(base)}\.{re.escape(_HOST)}-(\d+)\.[^.]+\.tmp")
    try:
        entries = os.listdir(directory)
    except OSError:
        return  # mkstemp will say what is wrong with the directory
    for entry in entries:
        match = pattern.fullmatch(entry)
        if match is None or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):  # another writer may be removing it too
            os.unlink(os.path.join(directory, entry))


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or no way to tell: keep the file
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
