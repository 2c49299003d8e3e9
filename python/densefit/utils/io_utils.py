"""Where console messages go: stdout, or absl logging when interactive logging is off
(keras.config.disable_interactive_logging), as Keras's io_utils.print_msg sends them."""

import logging
import sys

from densefit import config


def print_msg(message, line_break=True):
    message = str(message)
    if config.is_interactive_logging_enabled():
        message = f"{message}\n" if line_break else message
        try:
            sys.stdout.write(message)
        except UnicodeEncodeError:
            # A console that cannot show the bar's box-drawing characters: Keras 2's bar.
            encoding = sys.stdout.encoding or "utf-8"
            message = message.replace("━", "=").encode(encoding, errors="ignore")
            sys.stdout.write(message.decode(encoding))
        sys.stdout.flush()
    else:
        _absl_info(message)


def _absl_info(message):
    try:
        from absl import logging as absl_logging
    except ImportError:  # absl is Keras's dependency, not densefit's: its logger, by name
        logging.getLogger("absl").info(message)
    else:
        absl_logging.info(message)
