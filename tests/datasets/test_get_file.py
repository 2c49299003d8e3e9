"""utils.get_file's own guarantees: where the cache is, downloads that never leave a partial
file under the cached name, and archive members that may not land outside their folder."""

import os
import pathlib
import tarfile

import pytest

import archive_files
import densefit
from densefit.utils import archives, file_utils
from densefit.utils.file_utils import get_file


def _url(path):
    return pathlib.Path(path).as_uri()


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "origin" / "data.bin"
    path.parent.mkdir()
    path.write_bytes(b"0123456789" * 500)
    return path


def test_keras_home_from_the_environment(tmp_path, monkeypatch, source):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    (tmp_path / "kh").mkdir()
    assert get_file(origin=_url(source)) == str(tmp_path / "kh" / "datasets" / "data.bin")


def test_keras_home_defaults_to_dot_keras(tmp_path, monkeypatch, source):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert file_utils.keras_home() == str(tmp_path / ".keras")
    assert get_file(origin=_url(source)) == str(tmp_path / ".keras" / "datasets" / "data.bin")


def test_missing_cache_dir_is_created_and_used(tmp_path, source):
    # Keras would fall back to /tmp/.keras here (os.access of a missing folder is False).
    cache = tmp_path / "new" / "cache"
    path = get_file(origin=_url(source), cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.bin")


def test_download_goes_to_a_temporary_name(tmp_path, monkeypatch, source):
    target = tmp_path / "cache" / "datasets" / "data.bin"
    seen = []

    def fake_urlretrieve(url, filename, reporthook=None):
        seen.append((filename, target.exists()))
        with open(filename, "wb") as f:
            f.write(source.read_bytes())

    monkeypatch.setattr(file_utils, "urlretrieve", fake_urlretrieve)
    assert get_file(origin=_url(source), cache_dir=str(tmp_path / "cache")) == str(target)
    (written, existed), = seen
    assert os.path.dirname(written) == str(target.parent) and written != str(target)
    assert not existed
    assert os.listdir(target.parent) == ["data.bin"]


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_interrupted_download_leaves_nothing(tmp_path, monkeypatch, source, error):
    def fake_urlretrieve(url, filename, reporthook=None):
        with open(filename, "wb") as f:
            f.write(b"the first half")
        raise error("connection lost")

    monkeypatch.setattr(file_utils, "urlretrieve", fake_urlretrieve)
    cache = tmp_path / "cache"
    with pytest.raises(error):
        get_file(origin=_url(source), cache_dir=str(cache))
    assert os.listdir(cache / "datasets") == []


def test_leftover_of_a_killed_download_is_not_taken_for_the_file(tmp_path, source):
    datasets = tmp_path / "cache" / "datasets"
    datasets.mkdir(parents=True)
    (datasets / "data.bin.4242.deadbeef.part").write_bytes(b"the first ha")
    path = get_file(origin=_url(source), cache_dir=str(tmp_path / "cache"))
    assert pathlib.Path(path).read_bytes() == source.read_bytes()


def test_uppercase_hash_is_the_same_hash(tmp_path, source):
    import hashlib

    digest = hashlib.sha256(source.read_bytes()).hexdigest().upper()
    path = get_file(origin=_url(source), cache_dir=str(tmp_path), file_hash=digest)
    assert pathlib.Path(path).read_bytes() == source.read_bytes()


@pytest.mark.parametrize("kwargs,error,words", [
    (dict(hash_algorithm="sha1", file_hash="ab"), ValueError, "hash_algorithm"),
    (dict(extract=True, archive_format="rar"), ValueError, "archive_format"),
    (dict(file_hash=123), TypeError, "file_hash"),
    (dict(fname=".."), ValueError, "fname"),
])
def test_bad_arguments_are_refused_before_any_download(tmp_path, monkeypatch, source, kwargs,
                                                       error, words):
    monkeypatch.setattr(file_utils, "urlretrieve", lambda *a, **k: pytest.fail("downloaded"))
    with pytest.raises(error, match=words):
        get_file(origin=_url(source), cache_dir=str(tmp_path), **kwargs)


def test_origin_must_be_a_string(tmp_path):
    with pytest.raises(TypeError, match="origin"):
        get_file(origin=42, cache_dir=str(tmp_path))


def _outside_untouched(outside):
    return sorted(os.listdir(outside)) == ["keep.txt"]


@pytest.fixture
def layout(tmp_path):
    """(extraction folder's parent, a sibling folder that must stay as it is)."""
    base = tmp_path / "cache" / "datasets"
    base.mkdir(parents=True)
    outside = tmp_path / "cache" / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    return base, outside


@pytest.mark.parametrize("case", sorted(archive_files.UNSAFE_TARS))
def test_unsafe_tar_members_are_refused(layout, case):
    base, outside = layout
    files, extra = archive_files.UNSAFE_TARS[case]
    archive = archive_files.write_tar(base.parent / f"{case}.tar", files, "w", extra)
    target = base / "unpacked"
    with pytest.raises(ValueError, match="Refusing to extract"):
        archives.extract_archive(str(archive), str(target))
    assert not target.exists()
    assert _outside_untouched(outside)
    assert not os.path.exists("/tmp/densefit_evil_absolute.txt")
    assert not (base / "evil.txt").exists() and not (base.parent / "evil.txt").exists()


@pytest.mark.parametrize("case", sorted(archive_files.UNSAFE_ZIPS))
def test_unsafe_zip_members_are_refused(layout, case):
    base, outside = layout
    archive = archive_files.write_zip(base.parent / f"{case}.zip", archive_files.UNSAFE_ZIPS[case])
    target = base / "unpacked"
    with pytest.raises(ValueError, match="Refusing to extract"):
        archives.extract_archive(str(archive), str(target))
    assert not target.exists()
    assert not os.path.exists("/tmp/densefit_evil_absolute.txt")


def test_get_file_refuses_an_unsafe_archive(layout, monkeypatch):
    base, outside = layout
    files, extra = archive_files.UNSAFE_TARS["symlink_out"]
    archive = archive_files.write_tar(base.parent / "bad.tar.gz", files, "w:gz", extra)
    with pytest.raises(ValueError, match="'ln' links to '../../outside'"):
        get_file("bad", origin=_url(archive), extract=True, cache_dir=str(base.parent.parent),
                 cache_subdir=str(base))
    assert not (base / "bad").exists()
    assert _outside_untouched(outside)


@pytest.mark.skipif(not hasattr(tarfile, "data_filter"), reason="tarfile has no data filter")
def test_links_already_on_disk_are_checked_too(layout):
    # The names alone are safe; the folder it unpacks into already holds a link out of it.
    base, outside = layout
    target = base / "unpacked"
    target.mkdir()
    os.symlink(outside, target / "pack")
    archive = archive_files.write_tar(base.parent / "ok.tar")
    with pytest.raises(ValueError, match="Refusing to extract"):
        archives.extract_archive(str(archive), str(target))
    assert _outside_untouched(outside)


def test_safe_archives_extract(layout):
    base, _ = layout
    for name, writer in (("t.tar.gz", archive_files.write_tar), ("z.zip", archive_files.write_zip)):
        archive = writer(base.parent / name)
        target = base / name.split(".")[0]
        assert archives.extract_archive(str(archive), str(target))
        for member, payload in archive_files.FILES.items():
            assert (target / member).read_bytes() == payload


def test_get_file_is_exported():
    assert densefit.utils.get_file is get_file
