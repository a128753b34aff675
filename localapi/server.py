"""A fake Bot API HTTP server on 127.0.0.1, answering from a :class:`World`.

For end-to-end tests and benchmarks, which run ``bot.py`` as its own process with
``TELEGRAM_API_BASE_URL`` pointed here. Needs aiohttp (a development dependency).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from localapi.world import TransportError, World


class FakeBotApiServer:
    """Serves ``/bot<token>/<method>`` like api.telegram.org, with optional latency."""

    def __init__(self, world: World, *, token: str | None = None, latency: float = 0.0) -> None:
        self.world = world
        self.token = token
        self.latency = latency
        self.requests = 0
        self._new_updates = asyncio.Event()
        world.update_listeners.append(self._new_updates.set)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (a free port by default); return the PTB ``base_url``."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # Long polls in flight are cut short on stop instead of holding it up for their timeout.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{bound}/bot"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await _parameters(request)
        if method == "getUpdates":
            return await self._long_poll(params)
        if self.latency:
            await asyncio.sleep(self.latency)
        try:
            status, body = self.world.call(method, params)
        except TransportError as fault:
            return await self._misbehave(request, fault)
        return web.json_response(body, status=status)

    async def _misbehave(self, request: web.Request, fault: TransportError) -> web.Response:
        """Drop the connection without an answer, or answer too late to be heard."""
        if fault.kind == "reset":
            assert request.transport is not None
            request.transport.abort()
            raise ConnectionResetError("reset by the fake server")
        await asyncio.sleep(fault.seconds)
        return web.json_response(
            {"ok": False, "error_code": 504, "description": "late"}, status=504
        )

    async def _long_poll(self, params: dict[str, Any]) -> web.Response:
        """Answer at once when updates are pending, else wait up to ``timeout`` seconds."""
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        status, body = self.world.call("getUpdates", params)
        if status == 200 and not body["result"] and timeout > 0:
            self._new_updates.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_updates.wait(), timeout)
            status, body = self.world.call("getUpdates", {**params, "offset": offset})
        return web.json_response(body, status=status)


async def _parameters(request: web.Request) -> dict[str, Any]:
    """The call's parameters from a query string, a form, a multipart body or JSON."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(json.loads(await request.read() or b"{}"))
    elif request.body_exists:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = (value.filename, value.file.read())
            else:
                params[key] = value
    return params


async def wait_until(condition: Callable[[], bool], limit: float = 20.0) -> None:
    """Poll ``condition`` until it holds: for a bot process to act, never for a schedule."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not get there within {limit} s")
        await asyncio.sleep(0.005)
