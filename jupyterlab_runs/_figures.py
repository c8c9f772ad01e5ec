"""Figures as PNG bytes, by duck typing so matplotlib is never imported here.

Order of preference: raw PNG bytes; ``savefig`` (a matplotlib Figure, or an
Axes through its ``.figure``), which gives the same tight-cropped PNG the
inline backend shows; then ``_repr_png_`` (PIL images, sympy, many others).
"""

import base64
import io
import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def figure_png(fig):
    """PNG bytes for ``fig`` or TypeError naming what was expected."""
    if isinstance(fig, (bytes, bytearray, memoryview)):
        data = bytes(fig)
        if data.startswith(PNG_SIGNATURE):
            return data
        raise TypeError("log_figure() got bytes that are not a PNG image")
    target = fig
    if not callable(getattr(target, "savefig", None)):
        target = getattr(fig, "figure", None)  # a matplotlib Axes
    if callable(getattr(target, "savefig", None)):
        buf = io.BytesIO()
        target.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    repr_png = getattr(fig, "_repr_png_", None)
    if callable(repr_png):
        data = repr_png()
        if isinstance(data, tuple):  # (data, metadata) is allowed by IPython
            data = data[0]
        if isinstance(data, str):
            data = base64.b64decode(data)
        if isinstance(data, (bytes, bytearray)) and bytes(data).startswith(PNG_SIGNATURE):
            return bytes(data)
    raise TypeError(
        f"log_figure() needs a matplotlib figure, PNG bytes, or an object with "
        f"savefig() or _repr_png_(); got {type(fig).__name__}"
    )


def png_size(data):
    """(width, height) from the IHDR chunk, or (None, None) if malformed."""
    if len(data) >= 24 and data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None, None
