import inspect
import os
import sys
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "parity"))
import keras_oracle  # noqa: E402,F401  (sets the backend before keras loads)
import keras_files  # noqa: E402

import densefit  # noqa: E402


def _offline(url, *args, **kwargs):
    raise AssertionError(f"a download was attempted ({url}); the test machine is offline and "
                         "the file should have been found in the cache")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras home ($KERAS_HOME) with its `datasets` folder; downloads are refused."""
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(densefit.utils.file_utils, "urlretrieve", _offline)
    return home


@pytest.fixture
def keras_home(home, monkeypatch):
    """Real Keras pointed at the same home (it reads KERAS_HOME once, at import), offline."""
    k = keras_oracle.keras()
    import keras.src.backend.config as keras_config
    import keras.src.utils.file_utils as keras_file_utils

    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(home))
    monkeypatch.setattr(keras_file_utils, "urlretrieve", _offline)
    return k


class PublishedHashes:
    """Wraps the `get_file` a dataset module calls: records the arguments it passes (so the
    two libraries can be compared), then checks the cached test file against its own hash in
    place of the published one, which a test file cannot have. get_file's cache check stays
    live: a file at the wrong place or name is still not found."""

    def __init__(self, monkeypatch, home):
        self.monkeypatch, self.home, self.calls = monkeypatch, home, []

    def _target(self, args):
        datadir = os.path.join(args["cache_dir"] or str(self.home), args["cache_subdir"])
        fname = args["fname"] or os.path.basename(urllib.parse.urlsplit(args["origin"]).path)
        if args["extract"] or args["untar"]:
            if not (args["fname"] and "." in fname):
                fname = f"{fname}_archive"
        return os.path.join(datadir, fname)

    def wrap(self, module):
        real = module.get_file
        signature = inspect.signature(real)

        def get_file(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            self.calls.append((module.__name__, dict(arguments)))
            published = arguments["file_hash"]
            target = self._target(arguments)
            if published is not None and os.path.exists(target):
                arguments["file_hash"] = (keras_files.sha256(target) if len(published) == 64
                                          else keras_files.md5(target))
            return real(**arguments)

        self.monkeypatch.setattr(module, "get_file", get_file)


@pytest.fixture
def published_hashes(monkeypatch, home):
    return PublishedHashes(monkeypatch, home)
