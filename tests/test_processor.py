"""Updates from different chats overlap; one chat's updates keep their order."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from app.processor import PerChatUpdateProcessor, ordering_key


def make_update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "U", False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text="/start")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_each_chat_in_order_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(max_working=8)
    finished: dict[int, list[int]] = {1: [], 2: []}
    running = 0
    peak = 0

    async def work(update: Update, delay: float) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(delay)
        running -= 1
        finished[update.effective_chat.id].append(update.update_id)

    tasks = []
    for update_id in range(10):
        chat_id = 1 + update_id % 2
        update = make_update(update_id, chat_id)
        # Earlier updates take longer: without per-chat ordering they would finish last.
        delay = 0.02 - update_id * 0.002
        tasks.append(asyncio.create_task(processor.process_update(update, work(update, delay))))
    await asyncio.gather(*tasks)
    assert finished[1] == [0, 2, 4, 6, 8]
    assert finished[2] == [1, 3, 5, 7, 9]
    assert peak == 2  # one per chat at a time, both chats at once


async def test_working_bound_is_respected() -> None:
    processor = PerChatUpdateProcessor(max_working=3)
    running = 0
    peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(make_update(i, 100 + i), work()) for i in range(12))
    )
    assert peak == 3
    assert processor._chat_locks == {}  # locks of idle chats are released


def test_ordering_key_falls_back_to_the_user() -> None:
    assert ordering_key(make_update(1, 42)) == 42
    assert ordering_key(object()) is None
