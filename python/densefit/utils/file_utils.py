"""keras.utils.get_file: downloads a file into Keras's cache (`~/.keras/datasets` unless told
otherwise), checks its hash and optionally extracts it, with Keras's arguments, file names and
messages, so that a file Keras cached is found here and the other way round."""

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import uuid
import warnings

from densefit.utils.progbar import Progbar


# urllib.request (http.client, email, ssl) and the archive modules cost ~0.1 s to import:
# loaded on the first download or extraction, not with densefit.
def urlretrieve(url, filename, reporthook=None):
    from urllib.request import urlretrieve as retrieve

    return retrieve(url, filename, reporthook)


def extract_archive(file_path, path, archive_format):
    from densefit.utils.archives import extract_archive as extract

    return extract(file_path, path, archive_format)

_HASH_ALGORITHMS = ("auto", "sha256", "md5")


def keras_home():
    """Keras's home folder: `$KERAS_HOME` when the variable is set (even to ""), else `~/.keras`
    (`/tmp/.keras` when the home folder is not writable).

    Keras reads the variable once, when it is imported; densefit reads it on each call, so a
    script that sets it after the import is honoured too.
    """
    if "KERAS_HOME" in os.environ:
        return os.environ.get("KERAS_HOME")
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def path_to_string(path):
    return os.fspath(path) if isinstance(path, os.PathLike) else path


def resolve_hasher(algorithm, file_hash=None):
    """hashlib object for `algorithm`; "auto" means sha256 for a 64-digit hash, else md5."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The file's sha256 (or md5) hex digest; `algorithm` may also be a hashlib object."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256/md5 hash is `file_hash`."""
    hasher = resolve_hasher(algorithm, file_hash)
    # Keras compares the strings as given; hex digits in upper case name the same hash.
    return hash_file(fpath, hasher, chunk_size) == str(file_hash).lower()


class _DownloadProgress:
    """urlretrieve's report hook drawing Keras's progress bar (bytes, target from the header)."""

    def __init__(self):
        self.progbar = None
        self.finished = False

    def __call__(self, block_num, block_size, total_size):
        if total_size == -1:
            total_size = None
        if not self.progbar:
            self.progbar = Progbar(total_size)
        current = block_num * block_size
        if total_size is None:
            self.progbar.update(current)
        elif current < total_size:
            self.progbar.update(current)
        elif not self.finished:
            self.progbar.update(self.progbar.target)
            self.finished = True


def _print_msg(message):
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def _check_arguments(fname, origin, hashes, hash_algorithm, archive_format):
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if not isinstance(origin, str):
        raise TypeError(f"`origin` must be a URL string. Received: origin={origin!r}")
    if fname is not None and not isinstance(fname, str):
        raise TypeError(f"`fname` must be a string, a path-like object or None. "
                        f"Received: fname={fname!r}")
    for name, value in hashes.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"`{name}` must be a hex string or None. Received: {name}={value!r}")
    if hash_algorithm not in _HASH_ALGORITHMS:
        raise ValueError(f"`hash_algorithm` must be one of {_HASH_ALGORITHMS}. "
                         f"Received: hash_algorithm={hash_algorithm!r}")
    if archive_format == "auto":
        return
    formats = [archive_format] if isinstance(archive_format, str) else (archive_format or [])
    for fmt in formats:
        if fmt not in ("tar", "zip"):
            raise ValueError(f'`archive_format` must be "auto", "tar", "zip", a list of those or '
                             f"None. Received: archive_format={archive_format!r}")


def _cache_folder(cache_dir, cache_subdir):
    if cache_dir is None:
        cache_dir = keras_home()
    datadir_base = os.path.expanduser(path_to_string(cache_dir))
    # Keras falls back to /tmp/.keras whenever the folder is not writable, which includes a
    # `cache_dir` that does not exist yet; densefit creates it first so that it is used.
    try:
        os.makedirs(datadir_base, exist_ok=True)
    except OSError:
        pass
    if not os.access(datadir_base, os.W_OK):
        datadir_base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(),
                                    ".keras")
    datadir = os.path.join(datadir_base, path_to_string(cache_subdir))
    os.makedirs(datadir, exist_ok=True)
    return datadir


def _download(origin, target, file_hash, hash_algorithm):
    """Fetches `origin` under a temporary name beside `target` and renames it into place once
    complete (and matching `file_hash`), so that an interrupted or killed download never leaves
    a partial file that a later call would take for the cached one."""
    _print_msg(f"Downloading data from {origin}")
    partial = f"{target}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"
    error_msg = "URL fetch failure on {}: {} -- {}"
    try:
        try:
            urlretrieve(origin, partial, _DownloadProgress())
        except urllib.error.HTTPError as e:
            raise Exception(error_msg.format(origin, e.code, e.msg)) from e
        except urllib.error.URLError as e:
            raise Exception(error_msg.format(origin, e.errno, e.reason)) from e
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file "
                             f"hash does not match the provided value of {file_hash}.")
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Downloads a file from a URL if it is not already in the cache; returns its path.

    The file lands in `cache_dir` (default `$KERAS_HOME` or `~/.keras`) / `cache_subdir`
    (default "datasets"; an absolute path is used as is) / `fname` (default: the last part of
    the URL's path). `file_hash` (sha256 or md5 hex digest; `md5_hash` is the deprecated
    spelling) is checked on the cached file, which is downloaded again when it does not match,
    and on the download, which raises ValueError when it does not match. With `extract=True`
    (or the deprecated `untar=True`, tar only) the archive is downloaded to
    `<fname>_archive` (or to `fname` when it has an extension) and unpacked, on every call as
    Keras does, into `<fname>` (or `<fname without extension>_extracted`), whose path is
    returned. Archive members that would land outside that folder are refused (ValueError;
    Keras skips them with a warning). `force_download=True` always downloads.
    """
    _check_arguments(path_to_string(fname), origin, {"file_hash": file_hash, "md5_hash": md5_hash},
                     hash_algorithm, archive_format)
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    datadir = _cache_folder(cache_dir, cache_subdir)

    provided_fname = fname
    fname = path_to_string(fname)
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'."
                             "Please specify the `fname` argument.")
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the "
                         "file's parent directory, use the `cache_dir` argument. "
                         f"Received: fname={fname}")
    if fname in (".", ".."):
        raise ValueError(f"`fname` must name a file, not {fname!r}. Received: fname={fname}")

    if extract or untar:
        if provided_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            fname = fname[: fname.find(".")]
            extraction_dir = os.path.join(datadir, f"{fname}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    if force_download or not os.path.exists(download_target):
        download = True
    else:
        download = False
        if file_hash is not None and not validate_file(download_target, file_hash,
                                                       algorithm=hash_algorithm):
            _print_msg("A local file was found, but it seems to be incomplete or outdated "
                       f"because the {hash_algorithm} file hash does not match the original "
                       f"value of {file_hash} so we will re-download the data.")
            download = True
    if download:
        _download(origin, download_target, file_hash, hash_algorithm)

    if extract or untar:
        if untar:
            archive_format = "tar"
        if not extract_archive(download_target, extraction_dir, archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return download_target
