"""The browser assets a view needs, taken from installed packages so nothing loads from the internet.

pyvis ships vis-network under ``pyvis/templates/lib/vis-<version>/``; its own template links
those files from CDNs (and always pulls Bootstrap from jsdelivr), so chainkg renders with its
own template and either inlines these files (a standalone HTML file) or lets the API serve
them under ``/static/vendor/`` (pages share one cached copy).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyvis

from chainkg.errors import NotFoundError

VIS_VERSION = "9.1.2"
"""The vis-network release bundled with the pinned pyvis 0.3.x."""

_VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"

ASSETS: dict[str, Path] = {
    "vis-network.min.js": _VIS_DIR / "vis-network.min.js",
    "vis-network.css": _VIS_DIR / "vis-network.css",
}
"""Asset file name -> file on disk; the names are the URLs' last part under /static/vendor/."""

MEDIA_TYPES: dict[str, str] = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def asset_path(name: str) -> Path:
    """The file behind asset ``name``.

    Raises ``NotFoundError`` for a name that is not an asset, or when the installed pyvis
    lacks the file (then reinstalling pyvis 0.3.x fixes it).

    Examples
    --------
    >>> asset_path("vis-network.min.js").name
    'vis-network.min.js'
    """
    path = ASSETS.get(name)
    if path is None:
        raise NotFoundError(f"There is no view asset called {name!r}; known: {', '.join(ASSETS)}.")
    if not path.is_file():
        raise NotFoundError(
            f"The view asset {path} is missing from the installed pyvis package; reinstall it with "
            "'pip install --force-reinstall \"pyvis>=0.3.2,<0.4\"'."
        )
    return path


@cache
def asset_text(name: str) -> str:
    """The text of asset ``name`` (read once per process), for inlining into a page."""
    return asset_path(name).read_text(encoding="utf-8")


def media_type(name: str) -> str:
    """The HTTP media type to serve asset ``name`` with."""
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
