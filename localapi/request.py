"""A ``BaseRequest`` that answers Bot API calls from the in-memory world, no network."""

from __future__ import annotations

import json

from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from localapi.world import TransportError, World

Timeout = float | DefaultValue | None


class WorldRequest(BaseRequest):
    """PTB's transport, answered by a :class:`World` in the same process.

    Serialisation, Defaults and error mapping in PTB run exactly as over HTTP.
    """

    def __init__(self, world: World) -> None:
        self.world = world

    @property
    def read_timeout(self) -> float | None:
        """No network, no waiting."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route ``…/bot<token>/<method>`` to the world and encode its answer as JSON."""
        params: dict = {}
        if request_data is not None:
            params.update(request_data.json_parameters)
            if request_data.contains_files:
                params.update(attached_files(params, request_data.multipart_data))
        try:
            status, body = self.world.call(url.rsplit("/", 1)[-1], params)
        except TransportError as fault:  # as AiohttpRequest maps a real one
            if fault.kind == "timeout":
                raise TimedOut from fault
            raise NetworkError("aiohttp: ServerDisconnectedError") from fault
        return status, json.dumps(body).encode()


def attached_files(params: dict, parts: dict) -> dict:
    """Files of a multipart request as ``{parameter: (filename, bytes)}``.

    A file goes either directly under its parameter's name or, for media inside
    other objects, under a name that a parameter points to with ``attach://name``.
    """
    files = {name: (upload[0], _content(upload[1])) for name, upload in parts.items()}
    resolved = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            resolved[key] = files.pop(value.removeprefix("attach://"))
    return {**files, **resolved}


def _content(content: object) -> bytes:
    return content if isinstance(content, bytes) else content.read()  # type: ignore[attr-defined]
