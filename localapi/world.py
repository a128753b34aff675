"""An in-memory Telegram: people, chats, messages, and the Bot API methods Accord calls.

The console, the offline tests, the fake Bot API server and the benchmarks all use
this one model, so the bot meets the same Telegram everywhere it runs locally. It is
strict where Telegram is strict (HTML that does not parse, text over 4096 characters,
``callback_data`` over 64 bytes, unknown chats) so that mistakes show up here first.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from localapi.markup import HtmlError, parse_html

JSON = dict[str, Any]
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_CAPTION = 1024  # characters of a photo's or document's caption
MAX_BUTTONS = 100  # inline buttons on one message
# Telegram's stand-in sender for a group administrator posting as the group itself.
ANONYMOUS_ADMIN_ID = 1087968824
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w)")


class BotApiError(Exception):
    """A Bot API call that Telegram would refuse: becomes ``{"ok": false, ...}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class TransportError(Exception):
    """A failure below the Bot API: the connection is reset, or the answer never comes.

    ``WorldRequest`` raises PTB's ``NetworkError``/``TimedOut`` for it; the fake HTTP
    server really drops the connection, or stalls for ``seconds``.
    """

    def __init__(self, kind: str, seconds: float = 0.5) -> None:
        assert kind in ("reset", "timeout")
        super().__init__(kind)
        self.kind = kind
        self.seconds = seconds


Fault = BotApiError | TransportError


@dataclass
class Person:
    """A Telegram user of the simulated world."""

    user_id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        """The Bot API ``User`` object."""
        data: JSON = {"id": self.user_id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class SimChat:
    """A chat of the simulated world; ``members`` maps user id to member status."""

    chat_id: int
    type: str
    title: str | None = None
    members: dict[int, str] = field(default_factory=dict)
    private_with: Person | None = None

    def to_json(self) -> JSON:
        """The Bot API ``Chat`` object."""
        data: JSON = {"id": self.chat_id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.private_with is not None:
            data["first_name"] = self.private_with.first_name
            if self.private_with.username:
                data["username"] = self.private_with.username
        return data


@dataclass(frozen=True)
class Event:
    """Something a person in the world would see: a new message, an edit, a toast."""

    kind: str  # "sent", "edited" or "toast"
    chat_id: int
    text: str
    message: SentMessage | None = None


@dataclass
class SentMessage:
    """A message in the world, from the bot or a person."""

    chat_id: int
    message_id: int
    sender_id: int
    text: str
    reply_markup: JSON | None = None
    document: tuple[str, bytes] | None = None
    reply_to: int | None = None
    photo: bytes | None = None  # an uploaded image (sendPhoto)

    def buttons(self) -> list[tuple[str, str]]:
        """The inline buttons as ``(label, callback_data)`` (a link button: its url), in
        reading order."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", b.get("url", ""))) for row in rows for b in row]


class World:
    """The simulated Telegram and its Bot API; ``call`` answers one method call."""

    def __init__(
        self,
        bot_username: str = "accord_bot",
        bot_id: int = 1000000001,
        *,
        queue_updates: bool = True,
    ) -> None:
        self.queue_updates = queue_updates
        self.bot = Person(bot_id, "Accord", bot_username, is_bot=True)
        self.anonymous_admin = Person(ANONYMOUS_ADMIN_ID, "Group", "GroupAnonymousBot", is_bot=True)
        self.people: dict[int, Person] = {}
        self.chats: dict[int, SimChat] = {}
        self.messages: list[SentMessage] = []
        self.calls: list[tuple[str, JSON]] = []
        self.commands: dict[str, list[JSON]] = {}
        self.pending_updates: list[JSON] = []
        self.webhook: JSON | None = None  # setWebhook's parameters while one is set
        # Per chat, the bot's last message if it asked for a reply (ForceReply): a
        # Telegram app opens the reply to it, so the console's next line answers it.
        self.forced_replies: dict[int, int] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.chat_faults: dict[int, list[Fault]] = {}
        self.listeners: list[Callable[[Event], None]] = []
        self.update_listeners: list[Callable[[], None]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)

    # --- the cast -------------------------------------------------------------------

    def add_person(self, user_id: int, first_name: str, username: str | None = None) -> Person:
        """Create a person (and their private chat with the bot, unopened)."""
        person = Person(user_id, first_name, username)
        self.people[user_id] = person
        return person

    def add_group(
        self,
        chat_id: int,
        title: str,
        creator: Person,
        members: Sequence[Person] = (),
        *,
        kind: str = "supergroup",
    ) -> SimChat:
        """Create a group with its creator and members; the bot is not in it yet."""
        chat = SimChat(chat_id, kind, title, {creator.user_id: "creator"})
        for person in members:
            chat.members.setdefault(person.user_id, "member")
        self.chats[chat_id] = chat
        return chat

    def private_chat(self, person: Person) -> SimChat:
        """The private chat between ``person`` and the bot."""
        chat = self.chats.get(person.user_id)
        if chat is None:
            chat = SimChat(person.user_id, "private", private_with=person)
            chat.members = {person.user_id: "member"}
            self.chats[person.user_id] = chat
        return chat

    def person_named(self, name: str) -> Person | None:
        """A person by username or first name, case-insensitively."""
        wanted = name.lstrip("@").lower()
        for person in self.people.values():
            if wanted in ((person.username or "").lower(), person.first_name.lower()):
                return person
        return None

    # --- what people do (each returns the update it makes) --------------------------

    def user_says(
        self,
        person: Person,
        chat: SimChat,
        text: str,
        reply_to: int | None = None,
        linked: Sequence[tuple[str, Person]] = (),
    ) -> JSON:
        """``person`` sends ``text`` in ``chat``; entities are found as Telegram would.

        ``linked`` marks names in the text as ``text_mention`` entities (people picked
        from Telegram's mention menu who have no username).
        """
        message_id = self._next_message_id(chat.chat_id)
        self.messages.append(
            SentMessage(chat.chat_id, message_id, person.user_id, text, reply_to=reply_to)
        )
        message: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.to_json(),
            "from": person.to_json(),
            "text": text,
        }
        entities = find_entities(text)
        for name, someone in linked:
            start = text.index(name)
            entities.append(
                {
                    "type": "text_mention",
                    "offset": _utf16_len(text[:start]),
                    "length": _utf16_len(name),
                    "user": someone.to_json(),
                }
            )
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._message_json(self._message(chat.chat_id, reply_to))
        if person is self.anonymous_admin:
            message["sender_chat"] = chat.to_json()
        return self._queue({"message": message})

    def anonymous_admin_says(self, chat: SimChat, text: str) -> JSON:
        """An administrator of ``chat`` posts ``text`` anonymously, as the group itself."""
        return self.user_says(self.anonymous_admin, chat, text)

    def user_edits(self, person: Person, chat: SimChat, message_id: int, text: str) -> JSON:
        """``person`` edits their message ``message_id`` to read ``text``."""
        message = self._message(chat.chat_id, message_id)
        message.text = text
        data: JSON = {
            **self._message_json(message),
            "edit_date": int(time.time()),
        }
        entities = find_entities(text)
        if entities:
            data["entities"] = entities
        return self._queue({"edited_message": data})

    def user_presses(self, person: Person, message: SentMessage, data: str) -> JSON:
        """``person`` taps the button carrying ``data`` on ``message``."""
        query = {
            "id": str(next(self._callback_ids)),
            "from": person.to_json(),
            "chat_instance": str(message.chat_id),
            "message": self._message_json(message),
            "data": data,
        }
        return self._queue({"callback_query": query})

    def add_bot_to(self, chat: SimChat, by: Person) -> JSON:
        """``by`` adds the bot to ``chat``: a ``my_chat_member`` update."""
        chat.members[self.bot.user_id] = "member"
        return self._queue(self._membership_change(chat, by, "left", "member"))

    def remove_bot_from(self, chat: SimChat, by: Person) -> JSON:
        """``by`` removes the bot from ``chat``."""
        chat.members[self.bot.user_id] = "kicked"
        return self._queue(self._membership_change(chat, by, "member", "kicked"))

    def set_member_status(self, chat: SimChat, person: Person, status: str, by: Person) -> JSON:
        """``by`` promotes, demotes or removes ``person`` (or they leave, ``by`` themselves).

        ``status`` is a Bot API member status: creator, administrator, member, left or
        kicked. Telegram reports it to bots as a ``chat_member`` update.
        """
        old = chat.members.get(person.user_id, "left")
        chat.members[person.user_id] = status
        return self._queue(self._membership_change(chat, by, old, status, person))

    def _membership_change(
        self, chat: SimChat, by: Person, old: str, new: str, member: Person | None = None
    ) -> JSON:
        whom = member or self.bot
        kind = "my_chat_member" if whom is self.bot else "chat_member"
        return {
            kind: {
                "chat": chat.to_json(),
                "from": by.to_json(),
                "date": int(time.time()),
                "old_chat_member": chat_member_json(whom, old),
                "new_chat_member": chat_member_json(whom, new),
            }
        }

    def _queue(self, payload: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), **payload}
        if self.queue_updates:
            self.pending_updates.append(update)
        for listener in self.update_listeners:
            listener()
        return update

    def take_updates(self, offset: int = 0, limit: int = 100) -> list[JSON]:
        """Pending updates from ``offset`` on (older ones are confirmed and dropped)."""
        self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        return self.pending_updates[:limit]

    # --- what the bot sent ------------------------------------------------------------

    def bot_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """The bot's messages, in order, optionally in one chat."""
        return [
            m
            for m in self.messages
            if m.sender_id == self.bot.user_id and (chat_id is None or m.chat_id == chat_id)
        ]

    def fail_next(self, method: str, error: Fault) -> None:
        """Make the next call of ``method`` fail with ``error`` (for fault tests)."""
        self.faults.setdefault(method, []).append(error)

    def fail_chat(self, chat_id: int, error: Fault, times: int = 1) -> None:
        """Make the next ``times`` calls about ``chat_id`` (any method) fail with ``error``:
        one chat's outage, with every other chat unaffected."""
        self.chat_faults.setdefault(chat_id, []).extend([error] * times)

    # --- the Bot API --------------------------------------------------------------------

    def call(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call: ``(HTTP status, response body)``."""
        params = {key: _decode(value) for key, value in params.items()}
        self.calls.append((method, params))
        try:
            pending = self.faults.get(method)
            if pending:
                raise pending.pop(0)
            in_chat = self.chat_faults.get(_int_or_none(params.get("chat_id")) or 0)
            if in_chat:
                raise in_chat.pop(0)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise BotApiError(404, "Not Found: method not found")
            return 200, {"ok": True, "result": handler(params)}
        except BotApiError as error:
            body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return error.status, body

    def _api_getMe(self, params: JSON) -> JSON:
        return {
            **self.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_setWebhook(self, params: JSON) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise BadRequest("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise BadRequest("Bad Request: secret token contains unallowed characters")
        self.webhook = dict(params)
        if _flag(params.get("drop_pending_updates")):
            self.pending_updates.clear()
        return True

    def _api_deleteWebhook(self, params: JSON) -> bool:
        self.webhook = None
        if _flag(params.get("drop_pending_updates")):
            self.pending_updates.clear()
        return True

    def _api_getWebhookInfo(self, params: JSON) -> JSON:
        hook = self.webhook or {}
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if hook:
            info["max_connections"] = _int_or_none(hook.get("max_connections")) or 40
            if hook.get("allowed_updates") is not None:
                info["allowed_updates"] = hook["allowed_updates"]
        return info

    def _api_getUpdates(self, params: JSON) -> list[JSON]:
        return self.take_updates(int(params.get("offset", 0)), int(params.get("limit", 100)))

    def _api_setMyCommands(self, params: JSON) -> bool:
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[scope] = list(params["commands"])
        return True

    def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        return self.commands.get((params.get("scope") or {"type": "default"})["type"], [])

    def _api_sendChatAction(self, params: JSON) -> bool:
        self._chat(params["chat_id"])
        return True

    def _api_sendMessage(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        text = self._render(params.get("text", ""), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        message = SentMessage(
            chat.chat_id,
            self._next_message_id(chat.chat_id),
            self.bot.user_id,
            text,
            markup,
            reply_to=reply_to,
        )
        if (params.get("reply_markup") or {}).get("force_reply"):
            self.forced_replies[chat.chat_id] = message.message_id
        else:
            self.forced_replies.pop(chat.chat_id, None)
        return self._deliver(message)

    def _api_sendDocument(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        document = params.get("document")
        if not isinstance(document, tuple):
            raise BadRequest("there is no document in the request")
        caption = self._render(
            params.get("caption", ""), params.get("parse_mode"), allow_empty=True
        )
        message = SentMessage(
            chat.chat_id,
            self._next_message_id(chat.chat_id),
            self.bot.user_id,
            caption,
            document=document,
        )
        return self._deliver(message)

    def _api_sendPhoto(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        photo = params.get("photo")
        if not isinstance(photo, tuple) or not photo[1]:
            raise BadRequest("there is no photo in the request")
        caption = self._render(
            params.get("caption", ""), params.get("parse_mode"), allow_empty=True
        )
        if _utf16_len(caption) > MAX_CAPTION:
            raise BadRequest("message caption is too long")
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        message = SentMessage(
            chat.chat_id,
            self._next_message_id(chat.chat_id),
            self.bot.user_id,
            caption,
            self._check_markup(params.get("reply_markup")),
            reply_to=reply_to,
            photo=photo[1],
        )
        return self._deliver(message)

    def _api_editMessageText(self, params: JSON) -> JSON:
        message = self._message(self._chat(params["chat_id"]).chat_id, int(params["message_id"]))
        message.text = self._render(params.get("text", ""), params.get("parse_mode"))
        message.reply_markup = self._check_markup(params.get("reply_markup"))
        self._notify(Event("edited", message.chat_id, message.text, message))
        return self._message_json(message)

    def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        message = self._message(self._chat(params["chat_id"]).chat_id, int(params["message_id"]))
        message.reply_markup = self._check_markup(params.get("reply_markup"))
        return self._message_json(message)

    def _api_answerCallbackQuery(self, params: JSON) -> bool:
        if params.get("text"):
            self._notify(Event("toast", 0, params["text"]))
        return True

    def _api_getChat(self, params: JSON) -> JSON:
        return {
            **self._chat(params["chat_id"]).to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        }

    def _api_getChatMember(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        person = self.people.get(user_id) or (self.bot if user_id == self.bot.user_id else None)
        if person is None:
            raise BadRequest("user not found")
        return chat_member_json(person, chat.members.get(user_id, "left"))

    def _api_getChatAdministrators(self, params: JSON) -> list[JSON]:
        chat = self._chat(params["chat_id"])
        if chat.type == "private":
            raise BadRequest("there are no administrators in the private chat")
        found = []
        for user_id, status in chat.members.items():
            person = self.people.get(user_id) or (self.bot if user_id == self.bot.user_id else None)
            if person is not None and status in ("creator", "administrator"):
                found.append(chat_member_json(person, status))
        return found

    # --- helpers ----------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> SimChat:
        try:
            key = int(chat_id)
        except ValueError:
            raise BadRequest("chat not found") from None
        chat = self.chats.get(key)
        if chat is None and key in self.people:
            raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat is None:
            raise BadRequest("chat not found")
        if chat.type == "private" and chat.private_with is not None:
            if chat.members.get(chat.chat_id) == "kicked":
                raise BotApiError(403, "Forbidden: bot was blocked by the user")
        elif chat.members.get(self.bot.user_id) in (None, "left", "kicked"):
            raise BotApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _render(self, text: str, parse_mode: str | None, allow_empty: bool = False) -> str:
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                text = parse_html(text)
            except HtmlError as exc:
                raise BadRequest(f"can't parse entities: {exc}") from None
        if not text.strip() and not allow_empty:
            raise BadRequest("message text is empty")
        if len(text) > MAX_TEXT:
            raise BadRequest("message is too long")
        return text

    def _check_markup(self, markup: Any) -> JSON | None:
        """Inline keyboards stay on the message; reply keyboards and ForceReply do not."""
        if not markup or "inline_keyboard" not in markup:
            return None
        if sum(len(row) for row in markup.get("inline_keyboard", [])) > MAX_BUTTONS:
            raise BadRequest("REPLY_MARKUP_TOO_LONG")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode()) > MAX_CALLBACK_DATA:
                    raise BadRequest("BUTTON_DATA_INVALID")
        return markup

    def _deliver(self, message: SentMessage) -> JSON:
        self.messages.append(message)
        self._notify(Event("sent", message.chat_id, message.text, message))
        return self._message_json(message)

    def _notify(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    def _message(self, chat_id: int, message_id: int) -> SentMessage:
        for message in reversed(self.messages):
            if message.chat_id == chat_id and message.message_id == message_id:
                return message
        raise BadRequest("message to edit not found")

    def _message_json(self, message: SentMessage) -> JSON:
        sender = {self.bot.user_id: self.bot, ANONYMOUS_ADMIN_ID: self.anonymous_admin}.get(
            message.sender_id
        ) or self.people[message.sender_id]
        data: JSON = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self.chats[message.chat_id].to_json(),
            "from": sender.to_json(),
        }
        if sender is self.anonymous_admin:
            data["sender_chat"] = self.chats[message.chat_id].to_json()
        if message.document is not None:
            data["document"] = {
                "file_id": f"doc{message.message_id}",
                "file_unique_id": f"u{message.message_id}",
                "file_name": message.document[0],
                "file_size": len(message.document[1]),
            }
            if message.text:
                data["caption"] = message.text
        elif message.photo is not None:
            data["photo"] = [
                {
                    "file_id": f"photo{message.message_id}",
                    "file_unique_id": f"p{message.message_id}",
                    "width": 1000,
                    "height": 1000,
                    "file_size": len(message.photo),
                }
            ]
            if message.text:
                data["caption"] = message.text
        else:
            data["text"] = message.text
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def number_messages_from(self, chat_id: int, first: int) -> None:
        """Number the chat's next messages from ``first`` (Telegram never repeats an id
        in a chat: a console on an existing database continues after its last one)."""
        self._message_ids[chat_id] = itertools.count(first)

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))


def BadRequest(description: str) -> BotApiError:
    """A 400 ``Bad Request: …`` error."""
    return BotApiError(400, f"Bad Request: {description}")


def find_entities(text: str) -> list[JSON]:
    """The ``bot_command`` (at the start) and ``mention`` entities Telegram would attach."""
    entities: list[JSON] = []
    command = _COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())})
    for match in _MENTION.finditer(text):
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group()),
            }
        )
    return entities


def chat_member_json(person: Person, status: str) -> JSON:
    """A Bot API ``ChatMember`` of the given status."""
    data: JSON = {"status": status, "user": person.to_json()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update({flag: True for flag in _ADMIN_FLAGS})
        data.update({"can_be_edited": False, "is_anonymous": False})
    elif status == "kicked":
        data["until_date"] = 0
    return data


_ADMIN_FLAGS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode(value: Any) -> Any:
    """Form-encoded Bot API parameters carry JSON for objects and arrays: decode those."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flag(value: Any) -> bool:
    """A Bot API boolean as it arrives: JSON ``true`` or the form field ``"true"``."""
    return value is True or str(value).lower() == "true"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
