"""What the fuzz properties call a good error and what an internal one (worker side).

A good error is one densefit raises on purpose: a ValueError or TypeError (or a documented
subclass: MalformedFileError, NotCompiledError) thrown by densefit's own code, with a message
written for the user. An internal error is anything else escaping a public call: the
AttributeError/IndexError/KeyError/ZeroDivisionError family, NumPy's or the json module's
errors leaking through, Python's own TypeErrors from a bad operand ("'str' object cannot be
interpreted as an integer"), pybind11's "incompatible function arguments", C++'s std::
errors."""

import linecache
import os
import traceback

import densefit

DENSEFIT_DIR = os.path.dirname(os.path.abspath(densefit.__file__)) + os.sep
ALLOWED = (ValueError, TypeError)
# Errors a public call must never let out, whatever its input; checked before ALLOWED (a
# JSONDecodeError is a ValueError, an OverflowError is not).
INTERNAL_TYPES = (AttributeError, LookupError, ArithmeticError, AssertionError, NameError,
                  RecursionError, MemoryError, SystemError, BufferError, NotImplementedError)
# Messages of Python, NumPy, pybind11 and the C++ library that say "nobody checked this".
INTERNAL_MESSAGES = (
    "incompatible function arguments", "incompatible constructor arguments", "std::",
    "vector::", "bad_alloc", "bad array new length", "cannot reshape array",
    "cannot be interpreted as an integer", "object is not iterable", "object has no attribute",
    "not supported between instances", "unsupported operand type", "invalid literal for int",
    "could not convert string to float", "object is not subscriptable", "unhashable type",
    "object cannot be interpreted", "must be real number",
    "Expecting value", "Expecting property name", "Extra data", "NoneType", "out of bounds",
    "only integer scalar arrays", "setting an array element with a sequence",
    "float() argument", "int() argument", "index out of range", "array is too big",
    "Maximum allowed dimension", "Unable to ", "can't multiply sequence",
)


def innermost_frame(exc):
    tb = exc.__traceback__
    if tb is None:
        return None, None
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename, tb.tb_lineno


def raised_on_purpose(exc):
    """True when the innermost frame is a `raise` statement in densefit's Python code (not a
    builtin or native call failing on that line, not a library below densefit)."""
    filename, lineno = innermost_frame(exc)
    if filename is None or not os.path.abspath(filename).startswith(DENSEFIT_DIR):
        return False
    return linecache.getline(filename, lineno).strip().startswith("raise")


def from_densefit(exc):
    """True when the innermost frame is densefit's Python code: a deliberate raise or a call
    into the native module, whose own checks raise there (not NumPy, json, h5py, zipfile)."""
    filename, _ = innermost_frame(exc)
    return filename is not None and os.path.abspath(filename).startswith(DENSEFIT_DIR)


def describe(exc):
    filename, lineno = innermost_frame(exc)
    where = f" (raised at {filename}:{lineno})" if filename else ""
    return f"{type(exc).__name__}: {str(exc)[:400]}{where}"


def error_problems(exc, allowed=ALLOWED, on_purpose=False, names=None):
    """Why `exc` is not a good error (a list of reasons; empty when it is). `on_purpose`:
    must be raised by a densefit `raise` (argument checks, which come before native work).
    `names`: the message must name one of these (the argument that was bad)."""
    problems = []
    if isinstance(exc, INTERNAL_TYPES) or not isinstance(exc, allowed):
        problems.append(f"an internal error type escaped: {describe(exc)}")
        return problems
    message = str(exc)
    # densefit's own exception classes (MalformedFileError, NotCompiledError) are raised on
    # purpose and may quote the library error they wrap.
    own_class = type(exc).__module__.startswith("densefit.")
    leaked = [m for m in INTERNAL_MESSAGES if m in message]
    if leaked and not own_class:
        problems.append(f"an internal-looking message ({leaked[0]!r}): {describe(exc)}")
    if on_purpose and not raised_on_purpose(exc):
        problems.append(f"not raised by densefit's own checks (a builtin, library or native "
                        f"call failed instead): {describe(exc)}")
    elif not on_purpose and not from_densefit(exc):
        problems.append(f"raised inside a library below densefit: {describe(exc)}")
    if names and not any(n.lower() in message.lower() for n in names):
        problems.append(f"the message does not name the argument ({', '.join(names)}): "
                        f"{describe(exc)}")
    return problems


def traceback_text(exc, limit=6):
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=limit))
