"""utils.get_file against Keras's on the same `file://` origins: the same cache paths,
extraction folders and files, the same hash checks and errors."""

import os
import pathlib
import warnings

import pytest

import archive_files
import densefit
import keras_files
from keras_oracle import keras

pytestmark = pytest.mark.parity


@pytest.fixture
def k():
    return keras()


@pytest.fixture
def origin(tmp_path):
    src = tmp_path / "origin"
    src.mkdir()
    (src / "data.bin").write_bytes(b"payload " * 1000)
    archive_files.write_tar(src / "pack.tar.gz")
    archive_files.write_zip(src / "pack.zip")
    return src


def _url(path):
    return pathlib.Path(path).as_uri()


def _tree(folder):
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def _run(k, tmp_path, call):
    """call(get_file, cache_dir) in both libraries, each with its own cache; returns the
    results (as paths relative to the cache), the caches' trees and the warnings."""
    out = []
    for name, get_file in (("densefit", densefit.utils.get_file), ("keras", k.utils.get_file)):
        cache = tmp_path / f"cache_{name}"
        cache.mkdir(exist_ok=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call(get_file, str(cache))
        out.append((os.path.relpath(result, cache), _tree(cache),
                    [str(w.message) for w in caught if "extract" in str(w.message)]))
    return out


CASES = {
    "fname": lambda o: dict(fname="data.bin", origin=_url(o / "data.bin")),
    "fname_from_url": lambda o: dict(origin=_url(o / "data.bin")),
    "other_fname": lambda o: dict(fname="renamed", origin=_url(o / "data.bin")),
    "sha256": lambda o: dict(origin=_url(o / "data.bin"),
                             file_hash=keras_files.sha256(o / "data.bin")),
    "md5_hash": lambda o: dict(origin=_url(o / "data.bin"),
                               md5_hash=keras_files.md5(o / "data.bin")),
    "md5_explicit": lambda o: dict(origin=_url(o / "data.bin"), hash_algorithm="md5",
                                   file_hash=keras_files.md5(o / "data.bin")),
    "cache_subdir": lambda o: dict(origin=_url(o / "data.bin"), cache_subdir="models"),
    "nested_cache_subdir": lambda o: dict(origin=_url(o / "data.bin"),
                                          cache_subdir=os.path.join("a", "b")),
    "extract_fname": lambda o: dict(fname="pack", origin=_url(o / "pack.tar.gz"), extract=True),
    "extract_fname_ext": lambda o: dict(fname="pack.tar.gz", origin=_url(o / "pack.tar.gz"),
                                        extract=True),
    "extract_url_name": lambda o: dict(origin=_url(o / "pack.tar.gz"), extract=True),
    "untar": lambda o: dict(fname="pack", origin=_url(o / "pack.tar.gz"), untar=True),
    "extract_zip": lambda o: dict(fname="zipped", origin=_url(o / "pack.zip"), extract=True),
    "extract_zip_as_tar": lambda o: dict(fname="zipped", origin=_url(o / "pack.zip"),
                                         extract=True, archive_format="tar"),
    "extract_none": lambda o: dict(fname="pack", origin=_url(o / "pack.tar.gz"), extract=True,
                                   archive_format=None),
    "extract_hash": lambda o: dict(fname="pack", origin=_url(o / "pack.tar.gz"), extract=True,
                                   file_hash=keras_files.sha256(o / "pack.tar.gz")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_cache_layout(k, tmp_path, origin, case, capsys):
    kwargs = CASES[case](origin)
    ours, theirs = _run(k, tmp_path, lambda get_file, cache: get_file(cache_dir=cache, **kwargs))
    assert ours == theirs
    assert capsys.readouterr().out.count("Downloading data from") == 2


@pytest.mark.parametrize("case", ["fname", "extract_fname", "extract_zip"])
def test_cached_file_is_not_downloaded_again(k, tmp_path, origin, case):
    kwargs = CASES[case](origin)
    _run(k, tmp_path, lambda get_file, cache: get_file(cache_dir=cache, **kwargs))
    os.remove(kwargs["origin"][len("file://"):])
    ours, theirs = _run(k, tmp_path, lambda get_file, cache: get_file(cache_dir=cache, **kwargs))
    assert ours == theirs


def test_absolute_cache_subdir(k, tmp_path, origin):
    for name, get_file in (("densefit", densefit.utils.get_file), ("keras", k.utils.get_file)):
        folder = tmp_path / f"absolute_{name}"
        path = get_file(origin=_url(origin / "data.bin"), cache_subdir=str(folder),
                        cache_dir=str(tmp_path))
        assert path == str(folder / "data.bin")


def test_stale_cached_file_is_downloaded_again(k, tmp_path, origin, capsys):
    def call(get_file, cache):
        os.makedirs(os.path.join(cache, "datasets"), exist_ok=True)
        with open(os.path.join(cache, "datasets", "data.bin"), "wb") as f:
            f.write(b"half a file")
        return get_file(origin=_url(origin / "data.bin"), cache_dir=cache,
                        file_hash=keras_files.sha256(origin / "data.bin"))

    ours, theirs = _run(k, tmp_path, call)
    assert ours == theirs
    assert ours[1]["datasets/data.bin"] == (origin / "data.bin").read_bytes()
    out = capsys.readouterr().out
    assert out.count("A local file was found, but it seems to be incomplete or outdated") == 2


def test_force_download(k, tmp_path, origin):
    def call(get_file, cache):
        get_file(origin=_url(origin / "data.bin"), cache_dir=cache)
        return get_file(origin=_url(origin / "data.bin"), cache_dir=cache, force_download=True)

    (origin / "data.bin").write_bytes(b"v1")
    first = _run(k, tmp_path, call)
    (origin / "data.bin").write_bytes(b"v2")
    ours, theirs = _run(k, tmp_path, call)
    assert first[0] == first[1] and ours == theirs
    assert ours[1]["datasets/data.bin"] == b"v2"


def test_wrong_hash_on_download(k, tmp_path, origin):
    messages = []
    for name, get_file in (("densefit", densefit.utils.get_file), ("keras", k.utils.get_file)):
        cache = tmp_path / f"cache_{name}"
        cache.mkdir()  # Keras would use /tmp/.keras in place of a cache_dir that does not exist
        with pytest.raises(ValueError) as info:
            get_file(origin=_url(origin / "data.bin"), cache_dir=str(cache), file_hash="0" * 64)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "file hash does not match" in messages[0]
    # Keras leaves the file it rejected in the cache (the next call downloads it again);
    # densefit never puts it there.
    assert _tree(tmp_path / "cache_keras") == {"datasets": None,
                                               "datasets/data.bin": b"payload " * 1000}
    assert _tree(tmp_path / "cache_densefit") == {"datasets": None}


@pytest.mark.parametrize("kwargs", [dict(origin=None), dict(fname="a/b.txt", origin="file:///x"),
                                    dict(origin="file:///")])
def test_same_argument_errors(k, tmp_path, kwargs):
    errors = []
    for get_file in (densefit.utils.get_file, k.utils.get_file):
        with pytest.raises(ValueError) as info:
            get_file(cache_dir=str(tmp_path), **kwargs)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_unreachable_origin(k, tmp_path):
    errors = []
    for name, get_file in (("densefit", densefit.utils.get_file), ("keras", k.utils.get_file)):
        cache = tmp_path / f"cache_{name}"
        cache.mkdir()
        with pytest.raises(Exception) as info:
            get_file(origin=_url(tmp_path / "missing.bin"), cache_dir=str(cache))
        errors.append(info.value)
        assert _tree(cache) == {"datasets": None}
    assert type(errors[0]) is type(errors[1]) and str(errors[0]) == str(errors[1])
    assert str(errors[0]).startswith("URL fetch failure on")
