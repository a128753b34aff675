"""Long listings a page at a time: a page is one message, with ‹ Previous / Next › buttons
that turn it in place, and the same as a command (``/actions overdue page 2``).

A page is worked out afresh from the register on each press, in the chat where the
button was pressed and with the presser's rights, exactly as if they had typed the
command; the button carries only the listing's kind, the page and its argument. The
whole register, unpaged, is what /export is for.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from app.context import AccordContext
from formatting.html import clip, page_of
from handlers.common import reply
from register.parsing import UsageError
from register.service import NotAllowedError, RegisterError

LISTINGS_KEY = "accord.listings"
MAX_CALLBACK_DATA = 64
TOAST_LIMIT = 200  # Telegram's limit for a callback query's answer
TYPED_ARG_LIMIT = 40  # a longer argument is not repeated in the footer's typed form
PAGE_DATA = re.compile(r"^pg:([a-z]{1,12}):(\d{1,5})(?::(.*))?$", re.DOTALL)
_PAGE_WORDS = re.compile(r"(?:^|\s)page\s+(\d{1,5})\s*$", re.IGNORECASE)

Render = Callable[[Update, AccordContext, str], Awaitable[str]]
Buttons = Callable[[Update, AccordContext, str], Awaitable[list[list[InlineKeyboardButton]]]]


@dataclass(frozen=True)
class Listing:
    """How to render one kind of listing (heading first) and page through it.

    ``command`` is the typed form with ``{arg}`` (None: no typed form); a ``personal``
    listing's argument is its owner's user id, and only they may turn its pages.
    ``buttons``: rows shown above the page buttons, given the page's text (called after
    ``render``, which checks who may see the listing); ``per_page``: at most that many
    numbered lines a page (0: as many as fit), so those buttons stay few.
    """

    render: Render
    command: str | None
    personal: bool = False
    export_hint: bool = True
    buttons: Buttons | None = None
    per_page: int = 0


def register(application: Application) -> None:
    """Add the page buttons' handler."""
    application.add_handler(CallbackQueryHandler(turn_page, pattern=PAGE_DATA))


def listings_of(application: Application) -> dict[str, Listing]:
    """The application's listings by kind; each feature adds its own."""
    return application.bot_data.setdefault(LISTINGS_KEY, {})


def page_words(text: str) -> tuple[str, int]:
    """``overdue page 2`` → ``("overdue", 2)``; without ``page N``, page 1."""
    match = _PAGE_WORDS.search(text)
    if match is None:
        return text, 1
    return text[: match.start()].strip(), int(match.group(1))


async def reply_page(
    update: Update, context: AccordContext, kind: str, arg: str = "", page: int = 1
) -> None:
    """Reply with one page of the listing and the way to the others."""
    listing = listings_of(context.application)[kind]
    full = await listing.render(update, context, arg)
    shown = page_of(full, page, per_page=listing.per_page)[0]
    extra = await listing.buttons(update, context, shown) if listing.buttons else []
    text, markup = _page(listing, kind, arg, full, page, extra)
    await reply(update, text, reply_markup=markup)


async def turn_page(update: Update, context: AccordContext) -> None:
    """A page button: render that page for the presser, in this chat, and show it here."""
    query = update.callback_query
    assert query is not None
    match = PAGE_DATA.match(query.data or "")
    listing = listings_of(context.application).get(match.group(1)) if match else None
    if match is None or listing is None or not isinstance(query.message, Message):
        await query.answer("This button no longer works. Send the command again.")
        return
    kind, page, arg = match.group(1), int(match.group(2)), match.group(3) or ""
    if listing.personal and arg != str(query.from_user.id):
        await query.answer("This list is someone else's. Send /mine for yours.", show_alert=True)
        return
    try:
        full = await listing.render(update, context, arg)
        shown = page_of(full, page, per_page=listing.per_page)[0]
        extra = await listing.buttons(update, context, shown) if listing.buttons else []
    except (RegisterError, UsageError) as error:
        await query.answer(
            clip(str(error), TOAST_LIMIT), show_alert=isinstance(error, NotAllowedError)
        )
        return
    text, markup = _page(listing, kind, arg, full, page, extra)
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():  # pressed twice: already showing
            raise


def _page(
    listing: Listing,
    kind: str,
    arg: str,
    full: str,
    page: int,
    extra: list[list[InlineKeyboardButton]],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The page's text with its footer, and its buttons (the listing's own, then the
    page buttons, which a single page has none of)."""
    text, count = page_of(full, page, per_page=listing.per_page)
    if count == 1:
        return text, InlineKeyboardMarkup(extra) if extra else None
    number = min(max(page, 1), count)
    footer = f"Page {number} of {count}."
    if listing.command is not None and number < count and len(arg) <= TYPED_ARG_LIMIT:
        typed = " ".join(listing.command.format(arg=arg).split())
        footer += f" Next: {html.escape(typed, quote=False)} page {number + 1}."
    if listing.export_hint:
        footer += " The whole register: /export"
    buttons = [
        InlineKeyboardButton(label, callback_data=data)
        for label, target in (("‹ Previous", number - 1), ("Next ›", number + 1))
        if 1 <= target <= count
        and len((data := f"pg:{kind}:{target}:{arg}").encode()) <= MAX_CALLBACK_DATA
    ]
    rows = [*extra, buttons] if buttons else extra
    return f"{text}\n\n<i>{footer}</i>", InlineKeyboardMarkup(rows) if rows else None
