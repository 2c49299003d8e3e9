"""Safe extraction of the tar and zip archives get_file downloads: every member must land
inside the destination folder, so an archive with `..` or absolute member names, links that
point out of the folder, or members reached through such links is refused before anything
is written."""

import os
import shutil
import tarfile
import zipfile

# Python 3.12 (and the 3.8.17 / 3.9.17 / 3.10.12 / 3.11.4 backports) check every member again,
# against what is on disk at the time it is written.
_TAR_FILTER = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
_FILTER_ERROR = getattr(tarfile, "FilterError", ())  # () catches nothing where there is none


def _stays_inside(member_path):
    """Whether a member path, taken relative to the destination, stays below it."""
    if not member_path or os.path.isabs(member_path) or os.path.splitdrive(member_path)[0]:
        return False
    norm = os.path.normpath(member_path)
    return norm != os.pardir and not norm.startswith(os.pardir + os.sep)


def _refuse(file_path, name, why):
    raise ValueError(f"Refusing to extract the archive {file_path!r}: its member {name!r} {why}. "
                     "Archive members must stay inside the extraction folder.")


def _check_tar_members(members, file_path):
    symlinks = {os.path.normpath(m.name) for m in members if m.issym()}
    for m in members:
        if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
            _refuse(file_path, m.name, "is a device or pipe, not a file, folder or link")
        if not _stays_inside(m.name):
            _refuse(file_path, m.name, "would be written outside the extraction folder")
        # A path through a link of the archive lands wherever the link points once that link
        # exists on disk, which a check of the names alone cannot see.
        parts = os.path.normpath(m.name).split(os.sep)
        for i in range(1, len(parts)):
            if os.sep.join(parts[:i]) in symlinks:
                _refuse(file_path, m.name, f"is reached through the archive's link "
                                           f"{os.sep.join(parts[:i])!r}")
        if m.issym() and (os.path.isabs(m.linkname)
                          or not _stays_inside(os.path.join(os.path.dirname(m.name),
                                                            m.linkname))):
            _refuse(file_path, m.name, f"links to {m.linkname!r}, outside the extraction folder")
        if m.islnk():
            if not _stays_inside(m.linkname):
                _refuse(file_path, m.name,
                        f"links to {m.linkname!r}, outside the extraction folder")
            if os.path.normpath(m.linkname) in symlinks:
                _refuse(file_path, m.name, f"is a hard link to the symbolic link {m.linkname!r}")


def _check_zip_members(infos, file_path):
    for info in infos:
        if not _stays_inside(info.filename):
            _refuse(file_path, info.filename, "would be written outside the extraction folder")


def _remove(path):
    if os.path.isfile(path) or os.path.islink(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def _extract_tar(file_path, path):
    with tarfile.open(file_path) as archive:
        members = archive.getmembers()
        _check_tar_members(members, file_path)
        try:
            archive.extractall(path, members=members, **_TAR_FILTER)
        except _FILTER_ERROR as e:
            _remove(path)
            raise ValueError(f"Refusing to extract the archive {file_path!r}: {e}") from e
        except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
            # As Keras: a half-extracted folder would pass for a complete one.
            _remove(path)
            raise


def _extract_zip(file_path, path):
    with zipfile.ZipFile(file_path) as archive:
        infos = archive.infolist()
        _check_zip_members(infos, file_path)
        try:
            archive.extractall(path, members=infos)
        except (zipfile.BadZipFile, RuntimeError, KeyboardInterrupt):
            _remove(path)
            raise


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (.tar, .tar.gz, .tar.bz2, .tar.xz) or zip archive into `path`.

    `archive_format` is "auto" (tar, then zip), "tar", "zip", a list of those, or None (no
    extraction). Returns whether the file was one of the formats tried (and was extracted).
    Raises ValueError, before writing anything, when a member would land outside `path`.
    """
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    for kind in archive_format:
        if kind not in ("tar", "zip"):
            raise ValueError(f'`archive_format` must be "auto", "tar", "zip", a list of those or '
                             f"None. Received: {kind!r}")
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in archive_format:
        if kind == "tar" and tarfile.is_tarfile(file_path):
            _extract_tar(file_path, path)
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            _extract_zip(file_path, path)
            return True
    return False
