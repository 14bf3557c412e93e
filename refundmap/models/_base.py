"""What the models of both vendors share."""

from __future__ import annotations

from typing import Any

__all__ = ["JSONObject"]

#: A JSON object kept as it came (``platform_data``, ``passThrough``).
JSONObject = dict[str, Any]
