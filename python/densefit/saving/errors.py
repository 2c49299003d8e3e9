"""The exceptions loading raises."""


class MalformedFileError(ValueError):
    """A file that is not a model densefit can read: truncated, corrupted, hostile, or of
    another layout. The message names the file and what is wrong with it."""
