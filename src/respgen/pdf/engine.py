"""WeasyPrint, loaded quickly: the engine the PDF is drawn with."""

from __future__ import annotations

import os


def load() -> None:
    """Import WeasyPrint, finding its system libraries without the slow search.

    WeasyPrint tries several names for each library it loads (Windows, macOS
    and Linux spellings); on Linux each name that is not there makes
    ``ctypes.util.find_library`` run ldconfig and then the C compiler, about
    20 of them, which is a third of the time it takes to build one letter
    from cold. Here a name that the system's library cache does not hold is
    answered "not found" at once. Should the import then fail, it is simply
    tried again the ordinary way.
    """
    import sys

    if "weasyprint" in sys.modules:
        return
    import ctypes.util
    import subprocess

    original = ctypes.util.find_library
    try:
        if os.environ.get("LD_LIBRARY_PATH") or not sys.platform.startswith("linux"):
            raise OSError
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=10, env={"LC_ALL": "C"}
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    names = {line.split()[0] for line in listing.splitlines()[1:] if line.startswith(("\t", " ")) and line.split()}
    if not names:
        import weasyprint

        return

    def quick(name: str):
        if not any(known.startswith(f"lib{name}.so") for known in names):
            return None
        return original(name)

    ctypes.util.find_library = quick
    try:
        import weasyprint
    except OSError:
        for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[module]
        ctypes.util.find_library = original
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = original
