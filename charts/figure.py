"""The one place matplotlib is imported: lazily, on the first chart, so start-up stays
as fast as before and a bot that never draws never pays for the library."""

from __future__ import annotations

import ctypes
import functools
import gc
import io
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX = 1000  # readable on a phone once Telegram scales it to the screen
DPI = 100
FONT_SIZE = 20
COLOURS = {"open": "#4C78A8", "overdue": "#E45756", "done": "#54A24B", "mean": "#4C78A8"}
_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are not thread-safe


def new_figure(height_px: int) -> Figure:
    """A blank ``WIDTH_PX`` × ``height_px`` figure on the Agg canvas (no GUI, no pyplot
    state shared between charts)."""
    return _figure_class()(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI)


@functools.cache
def _figure_class() -> type[Figure]:
    """matplotlib's Figure, imported on the first chart. The import's objects (tens of
    thousands, and permanent) are then frozen out of the garbage collector's view, so
    the full collection after each chart (see ``chart``) stays cheap: it only looks at
    what came after. Objects alive at that moment are never collected as cycles, which
    costs nothing for long-lived ones such as modules and the application."""
    from matplotlib.figure import Figure  # lazily: see the module docstring

    gc.collect()
    gc.freeze()
    return Figure


def axes_at(figure: Figure, left: int, top: int, width: int, height: int) -> Axes:
    """Axes placed in pixels from the figure's top left: fixed margins draw faster than
    a layout engine and keep labels where a phone shows them."""
    fig_width, fig_height = figure.bbox.width, figure.bbox.height
    box = (
        left / fig_width,
        1 - (top + height) / fig_height,
        width / fig_width,
        height / fig_height,
    )
    return figure.add_axes(box)


def text_at(figure: Figure, left: int, top: int, text: str, size: int, **style: object) -> None:
    """Text whose top left is at pixel ``(left, top)`` from the figure's top left."""
    figure.text(
        left / figure.bbox.width,
        1 - top / figure.bbox.height,
        text,
        fontsize=size,
        va="top",
        ha="left",
        **style,  # type: ignore[arg-type]
    )


def png_of(figure: Figure) -> bytes:
    """The figure as PNG bytes: drawn once on an Agg canvas, compressed lightly (a chart
    of flat colours stays small, and the best compression costs more time than it saves).

    The figure is cleared afterwards, so its artists let go of what they drew.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazily
    from PIL import Image  # matplotlib's own dependency

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buffer = io.BytesIO()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    image.save(buffer, format="PNG", compress_level=1)
    figure.clear()
    return buffer.getvalue()


P = ParamSpec("P")


def chart(draw: Callable[P, Figure]) -> Callable[P, bytes]:
    """Turn a function that draws a figure into one that returns its PNG: one chart at
    a time (matplotlib's caches are not thread-safe), and the drawing's memory handed
    back once the figure is gone, so the resident set does not grow chart by chart."""

    @functools.wraps(draw)
    def render(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with _LOCK:
            png = png_of(draw(*args, **kwargs))
            gc.collect()  # the figure's artists refer to each other in cycles
            _release_freed_memory()
        return png

    return render


def _release_freed_memory() -> None:
    """Give the pixels' freed memory back to the system (glibc keeps it otherwise, so the
    resident set would grow with every chart drawn in a new worker thread)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None
