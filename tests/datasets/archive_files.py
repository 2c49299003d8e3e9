"""Archives for the get_file tests: well-formed ones, and ones whose members try to land outside
the extraction folder."""

import io
import tarfile
import zipfile

FILES = {"pack/a.txt": b"alpha\n", "pack/sub/b.bin": bytes(range(256)), "top.txt": b"top"}


def _info(name, kind=tarfile.REGTYPE, linkname="", size=0):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size, info.mode = kind, linkname, size, 0o644
    return info


def write_tar(path, files=FILES, mode="w:gz", extra=()):
    """`files` ({name: bytes}) plus `extra` TarInfo members (links, devices: no payload)."""
    with tarfile.open(path, mode) as tar:
        for name, payload in files.items():
            tar.addfile(_info(name, size=len(payload)), io.BytesIO(payload))
        for info in extra:
            tar.addfile(info)
    return path


def write_zip(path, files=FILES):
    with zipfile.ZipFile(path, "w") as z:
        for name, payload in files.items():
            z.writestr(name, payload)
    return path


# name -> (regular files, extra members): each must be refused.
UNSAFE_TARS = {
    "dotdot": ({"../evil.txt": b"x"}, ()),
    "dotdot_inside_path": ({"pack/../../evil.txt": b"x"}, ()),
    "absolute": ({"/tmp/densefit_evil_absolute.txt": b"x"}, ()),
    "symlink_out": ({}, (_info("ln", tarfile.SYMTYPE, "../../outside"),)),
    "symlink_absolute": ({}, (_info("ln", tarfile.SYMTYPE, "/etc"),)),
    "hardlink_out": ({}, (_info("hl", tarfile.LNKTYPE, "../outside/x"),)),
    # each link stays inside, but "a/b" written through the link "a" would not
    "through_link": ({}, (_info("a", tarfile.SYMTYPE, "."), _info("a/b", tarfile.SYMTYPE, ".."))),
    "file_through_link": ({}, (_info("d", tarfile.SYMTYPE, "sub"),
                               _info("d/f", tarfile.REGTYPE))),
    "hardlink_to_symlink": ({}, (_info("s/l", tarfile.SYMTYPE, "../x"),
                                 _info("h", tarfile.LNKTYPE, "s/l"))),
    "device": ({}, (_info("dev", tarfile.CHRTYPE),)),
    "fifo": ({}, (_info("pipe", tarfile.FIFOTYPE),)),
}

UNSAFE_ZIPS = {
    "dotdot": {"../evil.txt": b"x"},
    "absolute": {"/tmp/densefit_evil_absolute.txt": b"x"},
}
