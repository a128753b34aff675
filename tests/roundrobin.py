"""A round-robin HTTP proxy on 127.0.0.1, as a load balancer in front of several
instances' webhooks: each request goes to the next backend in turn; a backend that
refuses the connection (down) is passed over; one that breaks off mid-request (killed)
gives 502, so the sender (Telegram) delivers again."""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobinProxy:
    """Forwards every request's method, path, body and the headers that matter."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.sent: dict[str, int] = dict.fromkeys(backends, 0)
        self._turn = itertools.cycle(backends)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        """Listen on a free 127.0.0.1 port; return ``http://127.0.0.1:port``."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: request.headers[k] for k in FORWARDED if k in request.headers}
        for _ in self.backends:
            backend = next(self._turn)
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    self.sent[backend] += 1
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientConnectorError:
                continue  # down: the next one
            except (aiohttp.ClientError, TimeoutError):
                return web.Response(status=502, text="backend broke off")
        return web.Response(status=503, text="no backend up")
