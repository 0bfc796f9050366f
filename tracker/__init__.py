"""tracker: who supports, opposes or half-supports each point of a peace plan."""

from importlib.util import find_spec

__version__ = "0.1.0"


def coder_is_compiled() -> bool:
    """True when the coder runs as mypyc-compiled code (a wheel built with a C compiler),
    about twice as fast as the same modules run by the interpreter (an editable install,
    or a wheel built with TRACKER_PURE_PYTHON=1). Checked without importing the coder."""
    spec = find_spec("tracker.coder.holders.attributor")
    return spec is not None and spec.origin is not None and not spec.origin.endswith(".py")
