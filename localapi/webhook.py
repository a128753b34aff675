"""The fake Bot API's webhook side: posts the world's pending updates to a URL as
Telegram does, for end-to-end tests of several instances behind one webhook.

As Telegram: one chat's updates one at a time and in order, the next only once the last
was answered 200; different chats side by side, up to ``max_connections`` requests at
once; an update answered otherwise (or whose connection failed) is sent again after a
pause, and stays pending until it is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import aiohttp

from localapi.world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
JSON = dict[str, Any]


def chat_of(update: JSON) -> int:
    """The chat an update belongs to (its sender for chat-less ones), 0 if neither."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        for holder in (value, value.get("message") or {}):
            chat = holder.get("chat")
            if isinstance(chat, dict):
                return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, dict):
            return int(sender["id"])
    return 0


class WebhookPusher:
    """Delivers ``world.pending_updates`` to ``url`` with ``secret``; records each
    attempt's answer (an HTTP status, or ``"failed"`` for a broken connection)."""

    def __init__(
        self,
        world: World,
        url: str,
        secret: str,
        *,
        max_connections: int = 40,
        retry_delay: float = 0.2,
        timeout: float = 60.0,
    ) -> None:
        self.world = world
        self.url = url
        self.secret = secret
        self.retry_delay = retry_delay
        self.attempts: dict[int, list[int | str]] = {}
        self.acknowledged: list[int] = []  # update ids answered 200, in that order
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._slots = asyncio.Semaphore(max_connections)
        self._wake = asyncio.Event()
        self._taken: set[int] = set()
        self._chats: dict[int, asyncio.Queue[JSON]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Start delivering what is pending now and whatever comes next."""
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        self.world.update_listeners.append(self._wake.set)
        self._wake.set()
        self._tasks.append(asyncio.create_task(self._dispatch()))

    async def stop(self) -> None:
        """Stop delivering (what is unacknowledged stays pending)."""
        with contextlib.suppress(ValueError):
            self.world.update_listeners.remove(self._wake.set)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def pending(self) -> int:
        """Updates not acknowledged yet."""
        return len(self.world.pending_updates)

    async def _dispatch(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            for update in list(self.world.pending_updates):
                if update["update_id"] in self._taken:
                    continue
                self._taken.add(update["update_id"])
                chat = chat_of(update)
                if chat not in self._chats:
                    self._chats[chat] = asyncio.Queue()
                    self._tasks.append(asyncio.create_task(self._deliver(self._chats[chat])))
                self._chats[chat].put_nowait(update)

    async def _deliver(self, queue: asyncio.Queue[JSON]) -> None:
        """One chat's updates, in order, each until it is acknowledged."""
        while True:
            update = await queue.get()
            for _attempt in itertools.count():
                if await self._post(update):
                    break
                await asyncio.sleep(self.retry_delay)  # as Telegram, after a pause
            self.acknowledged.append(update["update_id"])
            with contextlib.suppress(ValueError):
                self.world.pending_updates.remove(update)

    async def _post(self, update: JSON) -> bool:
        assert self._session is not None
        answer: int | str
        async with self._slots:
            try:
                async with self._session.post(
                    self.url, json=update, headers={SECRET_HEADER: self.secret}
                ) as response:
                    await response.read()
                    answer = response.status
            except (aiohttp.ClientError, TimeoutError):
                answer = "failed"
        self.attempts.setdefault(update["update_id"], []).append(answer)
        return answer == 200
