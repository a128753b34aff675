"""The one place matplotlib is imported: lazily, on the first chart, so start-up stays
as fast as before and a bot that never draws never pays for the library."""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

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
    from matplotlib.figure import Figure  # lazily: see the module docstring

    return Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI)


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
    of flat colours stays small, and the best compression costs more time than it saves)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazily
    from PIL import Image  # matplotlib's own dependency

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB").save(
        buffer, format="PNG", compress_level=3
    )
    return buffer.getvalue()


def render_locked() -> threading.Lock:
    """Held while a chart is drawn: charts render off the event loop, one at a time."""
    return _LOCK
