"""The register's operations: permission rules, then the change and its history.

Handlers turn an update into an :class:`Actor` and a :class:`ChatScope`; everything
here is scoped by that chat, so one group never reaches another group's actions.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from domain.due import Due, stamp
from domain.model import (
    MAX_NOTE,
    OPEN_STATUSES,
    Action,
    ActionEvent,
    Actor,
    ChatScope,
    OwnerRef,
    Partner,
    Status,
    Supporter,
)
from domain.recurrence import Recurrence
from formatting.html import clip
from register.batch import BatchLine, line_error
from register.dates import DueDateError, drop_courtesy, horizon, parse_due
from register.matching import best_matches
from register.parsing import (
    MAX_USERNAME,
    MIN_USERNAME,
    PICK_FROM_MENU,
    STATUS_WORDS,
    AssignRequest,
    UsageError,
    not_a_username,
    status_in,
)
from register.render import due_value
from register.supporting import SupporterRef
from register.text import clean_text, skeleton
from storage.actions import ActionRepository, Change, NewAction, due_columns
from storage.partners import CoordinatorRepository, PartnerRepository
from storage.people import PeopleRepository, PersonRecord

SNOOZE = timedelta(weeks=1)
# Changes one action's history keeps; beyond it only closing it is taken. With the
# per-person limit on writing commands, this bounds the history (all of it is shown).
MAX_EVENTS = 500
LISTED_PARTNERS = 12  # an unknown partner's error names them all up to this many
COORDINATORS = "coordinators (the group's admins and people named with /coordinator add)"
MAX_OPEN_ACTIONS = 500
CLOSE_NAME = 75  # rapidfuzz ratio from which an unseen @name may be a typo of a known one
UTC_ZONE = ZoneInfo("UTC")


# "/actions please overdue": the courtesy before a filter (after it, drop_courtesy).
_PLEASE_FIRST = re.compile(r"^(?:please|pls|plz)\b[\s,]*", re.IGNORECASE)


# /actions filters by status: the words /update's notes set it by, and the words people
# ask by ("which actions are stuck?", "is anything at risk of slipping?").
STATUS_FILTERS = {
    **STATUS_WORDS,
    "stuck": Status.BLOCKED,
    "stalled": Status.BLOCKED,
    "held up": Status.BLOCKED,
    "slipping": Status.AT_RISK,
    "at risk of slipping": Status.AT_RISK,
}


class RegisterError(Exception):
    """Something the person asked for that can't be done; the message says why."""


class NotAllowedError(RegisterError):
    """A permission refusal; the message says who may do it."""


class ClosedError(RegisterError):
    """The command needs an open action and this one is done or dropped."""

    def __init__(self, action: Action) -> None:
        super().__init__(f"#{action.number} is already {action.status.label}.")
        self.action = action


class UnseenOwnerError(RegisterError):
    """An @name nobody in this chat has written as, close to names some have: it may be a
    typo, so nothing is recorded until someone chooses."""

    def __init__(
        self, handle: str, options: list[str], due: Due | None = None, keep: bool = True
    ) -> None:
        names = [f"@{option}" for option in options]
        either = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        problem = "" if keep else f" ({not_a_username(handle)})"
        super().__init__(f"I haven't seen @{handle} in this group. Did you mean {either}?{problem}")
        self.handle = handle
        self.options = options
        self.due = due  # what /assign read, for recording it once someone chooses
        self.keep = keep  # whether keeping the @name is an option (it could be a username)


@dataclass(frozen=True)
class Owner:
    """An owner resolved against the people Accord has seen."""

    user_id: int | None
    handle: str | None
    name: str

    @property
    def pending(self) -> bool:
        """An @name nobody with that username has written yet."""
        return self.user_id is None


def owner_of(action: Action) -> Owner:
    """The owner an action was recorded with: an "Already recorded" reply names them,
    not whoever sent the message again."""
    return Owner(action.owner_user_id, action.owner_handle, action.owner_name)


@dataclass(frozen=True)
class Assigned:
    """The outcome of ``/assign``."""

    action: Action
    created: bool
    owner: Owner


class Register:
    """The responsibility register of every chat."""

    def __init__(
        self,
        actions: ActionRepository,
        partners: PartnerRepository,
        coordinators: CoordinatorRepository,
        people: PeopleRepository,
        max_open_actions: int = MAX_OPEN_ACTIONS,
        default_zone: ZoneInfo = UTC_ZONE,
    ) -> None:
        self.actions = actions
        self.partners = partners
        self.coordinators = coordinators
        self.people = people
        self.max_open_actions = max_open_actions
        self.default_zone = default_zone  # for a chat that has not chosen its timezone
        # Accord's own @username, once Telegram has said it: no action's owner or supporter.
        self.own_username: str | None = None
        # Asks Telegram whether a person is a member of a chat (None: it couldn't say);
        # set by the application once the bot is up.
        self.membership: Callable[[int, int], Awaitable[bool | None]] | None = None

    # --- actions ------------------------------------------------------------------------

    async def assign(
        self,
        scope: ChatScope,
        actor: Actor,
        request: AssignRequest,
        now: datetime,
        source_message_id: int | None = None,
        goal: tuple[int, int] | None = None,
    ) -> Assigned:
        """Record an action with exactly one owner; only coordinators assign to others.
        ``goal``: the partnership goal it serves (its id and number), checked by the caller.

        An @name nobody here has written as, close to names people here have, is refused
        with :class:`UnseenOwnerError` (the options to offer); :meth:`assign_chosen`
        records the choice.
        """
        new, owner = await self._new_action(scope, actor, request, now)
        await self._require_room(scope)
        await self._check_unseen(scope, owner, new.due)
        new = replace(new, source_message_id=source_message_id, goal=goal)
        action, created = await self.actions.create(new, now)
        return Assigned(action, created, owner if created else owner_of(action))

    async def assign_many(
        self,
        scope: ChatScope,
        actor: Actor,
        lines: list[BatchLine],
        now: datetime,
        source_message_id: int,
    ) -> list[Assigned]:
        """Record one action per line, all or none: a line that can't be recorded (its
        owner, supporters, due date or who may assign it) is named, and nothing is.
        Each line is keyed by message and line, so a redelivered message adds nothing."""
        prepared = []
        for line in lines:
            try:
                new, owner = await self._new_action(scope, actor, line.request, now)
                await self._check_unseen(scope, owner, new.due)
            except UnseenOwnerError as error:  # no buttons for one line of many: say it
                raise RegisterError(line_error(line.number, line.text, str(error))) from None
            except (RegisterError, UsageError) as error:
                raise type(error)(line_error(line.number, line.text, str(error))) from None
            key = f"{source_message_id}:{line.number}"
            prepared.append((replace(new, source_key=key, goal=line.goal), owner))
        await self._require_room(scope, len(prepared))
        recorded = await self.actions.create_many([new for new, _ in prepared], now)
        return [
            Assigned(action, created, owner if created else owner_of(action))
            for (action, created), (_, owner) in zip(recorded, prepared, strict=True)
        ]

    async def assign_chosen(
        self,
        scope: ChatScope,
        actor: Actor,
        ref: OwnerRef,
        title: str,
        due: Due | None,
        now: datetime,
        source_message_id: int | None = None,
        goal: tuple[int, int] | None = None,
    ) -> Assigned:
        """Record an action whose owner was chosen after :class:`UnseenOwnerError`;
        the rules are checked again for whoever chose."""
        owner = await self._assignable(scope, actor, ref)
        _require_possible(owner)
        await self._require_room(scope)
        new = await self._action_for(scope, actor, owner, title, due)
        action, created = await self.actions.create(
            replace(new, source_message_id=source_message_id, goal=goal), now
        )
        return Assigned(action, created, owner if created else owner_of(action))

    async def _assignable(self, scope: ChatScope, actor: Actor, ref: OwnerRef) -> Owner:
        owner = await self.resolve_owner(ref, actor)
        await self._require_here(scope, owner, actor)
        if owner.user_id != actor.user_id and not actor.is_coordinator:
            raise NotAllowedError(
                f"Only {COORDINATORS} can assign actions to others. "
                "You can take one on yourself: /assign me <what>"
            )
        return owner

    async def _new_action(
        self, scope: ChatScope, actor: Actor, request: AssignRequest, now: datetime
    ) -> tuple[NewAction, Owner]:
        """The action ``request`` asks for, checked: owner, permission, supporters, due."""
        owner = await self._assignable(scope, actor, request.owner)
        try:
            supporters = await self._resolve(scope, actor, request.supporters, owner)
        except RegisterError:
            if request.plain is None:
                raise
            request, supporters = request.plain, ()  # "meet with the council": a title
        due = self._due(request.due_text, scope, now)
        if request.recurrence is not None:
            due = self._first_due(request.recurrence, due, scope, now)
        new = await self._action_for(scope, actor, owner, request.title, due)
        return replace(new, supporters=supporters, recurrence=request.recurrence), owner

    async def _action_for(
        self, scope: ChatScope, actor: Actor, owner: Owner, title: str, due: Due | None
    ) -> NewAction:
        """A new action of ``owner``'s, attributed to their partner organisation here."""
        partner = (
            await self.partners.of_member(scope.chat_id, owner.user_id) if owner.user_id else None
        )
        return NewAction(
            chat_id=scope.chat_id,
            title=title,
            owner_user_id=owner.user_id,
            owner_handle=owner.handle if owner.pending else None,
            partner_id=partner.partner_id if partner else None,
            due=due,
            created_by=actor.user_id,
            source_message_id=None,
        )

    def _first_due(self, rule: Recurrence, due: Due | None, scope: ChatScope, now: datetime) -> Due:
        """A repeating action's first due date: the one given, or the rule's next day
        (today counts); for a rule that names its day, a time given ("every Friday by
        5pm") is the time on that day."""
        if due is not None and (due.on is not None or not rule.anchored):
            return due
        today = now.astimezone(scope.zone).date()
        day = rule.first(today)
        if due is None or due.at is None:
            first = self._due(day.isoformat(), scope, now)
            assert first is not None
            return first
        clock = due.at.astimezone(scope.zone).time()
        moment = datetime.combine(day, clock, tzinfo=scope.zone)
        if moment <= now:  # today's has passed: the next
            moment = datetime.combine(rule.after(day, today), clock, tzinfo=scope.zone)
        return Due(at=moment.astimezone(UTC))

    async def _resolve(
        self, scope: ChatScope, actor: Actor, refs: tuple[SupporterRef, ...], owner: Owner
    ) -> tuple[Supporter, ...]:
        """The people and partners named as supporters, once each, the owner left out."""
        found: list[Supporter] = []
        for ref in refs:
            supporter = await self._supporter(scope, actor, ref)
            same_person = supporter.user_id is not None and supporter.user_id == owner.user_id
            if supporter not in found and not same_person:
                found.append(supporter)
        return tuple(found)

    async def _supporter(self, scope: ChatScope, actor: Actor, ref: SupporterRef) -> Supporter:
        if ref.person is None:
            partner = await self.find_partner(scope, ref.text)
            return Supporter(partner.name, partner_id=partner.partner_id)
        person = await self.resolve_owner(ref.person, actor)
        _require_possible(person)
        await self._require_here(scope, person, actor)
        if person.pending:
            await self._check_unseen_supporter(scope, person)
            return Supporter(person.name, handle=person.handle)
        return Supporter(person.name, user_id=person.user_id)

    async def set_supporters(
        self,
        scope: ChatScope,
        actor: Actor,
        number: int,
        refs: tuple[SupporterRef, ...],
        now: datetime,
    ) -> Action:
        """Replace an open action's supporters (its owner or a coordinator); none clears."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "change")
        owner = Owner(action.owner_user_id, action.owner_handle, action.owner_name)
        supporters = await self._resolve(scope, actor, refs, owner)
        old = ", ".join(action.supporters) or None
        new = ", ".join(s.name for s in supporters) or None
        if old == new:
            raise RegisterError(f"#{number}'s supporters are already {old or 'none'}.")
        change = Change("supporters", old, new)
        return await self._write(action, actor, now, {}, [change], supporters=supporters)

    async def next_in_series(self, action: Action) -> Action | None:
        """The occurrence of a recurring action created when it was done."""
        return await self.actions.next_in_series(action)

    async def close_names(self, scope: ChatScope, handle: str) -> list[str]:
        """Up to three usernames of people seen in this chat that are close to ``handle``,
        closest first."""
        scored = []
        for person in await self.people.known_in(scope.chat_id):
            username = person.username or ""
            if username == handle:
                continue
            score = max(
                fuzz.ratio(handle, username), fuzz.ratio(handle, person.display_name.casefold())
            )
            if score >= CLOSE_NAME:
                scored.append((-score, username))
        return [username for _, username in sorted(scored)[:3]]

    async def _check_unseen(self, scope: ChatScope, owner: Owner, due: Due | None = None) -> None:
        """Refuse a new pending @name close to a known one (see :class:`UnseenOwnerError`).
        A name already waiting here was chosen before: not asked about again."""
        if not owner.pending or owner.handle is None:
            return
        possible = _possible_username(owner.handle)
        if possible and await self.actions.in_chat(
            scope.chat_id, list(Status), owner_handle=owner.handle
        ):
            return
        options = await self.close_names(scope, owner.handle)
        if options:
            raise UnseenOwnerError(owner.handle, options, due, keep=possible)
        _require_possible(owner)

    async def require_here(self, scope: ChatScope, person: Owner, actor: Actor) -> None:
        """Refuse a person known from elsewhere who isn't a member of this chat (for other
        features naming people: a role's holder)."""
        await self._require_here(scope, person, actor)

    async def _require_here(self, scope: ChatScope, person: Owner, actor: Actor) -> None:
        """Refuse a person Accord knows from elsewhere who isn't a member of this chat.
        Telegram is asked only about someone never seen here (then they count as seen)."""
        user_id = person.user_id
        if user_id is None or user_id == actor.user_id or self.membership is None:
            return
        if await self.people.was_seen_in(scope.chat_id, user_id):
            return
        if await self.membership(scope.chat_id, user_id) is False:
            raise RegisterError(
                f"{person.name} isn't in this group: add them first, or pick someone here."
            )

    async def _check_unseen_supporter(self, scope: ChatScope, person: Owner) -> None:
        """Refuse an unseen supporter @name close to a known one, as for owners (no
        buttons for a supporter: the message says what to write). A name already waiting
        here as a supporter was chosen before: not asked about again."""
        handle = person.handle or ""
        waiting = await self.actions.in_chat(
            scope.chat_id, list(Status), supporter=("handle", handle)
        )
        options = [] if waiting else await self.close_names(scope, handle)
        if options:
            names = [f"@{option}" for option in options]
            either = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
            raise RegisterError(
                f"I haven't seen @{handle} in this group. Did you mean {either}? Say "
                f"{names[0]}, or ask @{handle} to write here first. Nothing was changed."
            )

    async def resolve_owner(self, ref: OwnerRef, actor: Actor) -> Owner:
        """Turn ``me``, a linked name or an @name into an owner (pending if unseen)."""
        if ref.is_me and actor.anonymous:
            raise _no_person(actor, "“me”", "name someone with @name, or post as yourself.")
        if ref.is_me:
            return Owner(actor.user_id, None, actor.name)
        if ref.user_id is not None:
            person = await self.people.get(ref.user_id)
            name = person.display_name if person else (ref.name or str(ref.user_id))
            return Owner(ref.user_id, person.username if person else None, name)
        handle = (ref.handle or "").lower()
        if self.own_username is not None and handle == self.own_username.lower():
            raise RegisterError(
                f"@{handle} is me, Accord: I can't own or support an action. Name a person "
                "with @name, or me for yourself."
            )
        person = await self.people.find_by_username(handle)
        if person is not None:
            return Owner(person.user_id, handle, person.display_name)
        return Owner(None, handle, f"@{handle}")

    async def action(self, scope: ChatScope, number: int) -> Action:
        """Action ``#number`` of this chat, or a ``RegisterError`` saying it doesn't exist."""
        action = await self.actions.get(scope.chat_id, number)
        if action is None:
            raise RegisterError(f"There is no action #{number} in this chat. See /actions.")
        return action

    async def complete(
        self, scope: ChatScope, actor: Actor, number: int, note: str, now: datetime
    ) -> Action:
        """Close an action as done (its owner or a coordinator)."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "close")
        return await self._set_status(action, actor, Status.DONE, _note(note), now)

    async def update(
        self, scope: ChatScope, actor: Actor, number: int, note: str, now: datetime
    ) -> Action:
        """Add a progress note; "on track", "at risk" or "blocked" in it set the status."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "update")
        status = status_in(note)
        if status is not None and status is not action.status:
            return await self._set_status(action, actor, status, _note(note), now)
        return await self._write(
            action,
            actor,
            now,
            {"last_note": _note(note)},
            [Change("note", None, None, _note(note))],
        )

    async def updatable(self, scope: ChatScope, actor: Actor, number: int) -> Action:
        """The open action ``#number`` if ``actor`` may update it; else an error saying why."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "update")
        return action

    async def set_status(
        self,
        scope: ChatScope,
        actor: Actor,
        number: int,
        status: Status,
        now: datetime,
        note: str | None = None,
    ) -> Action:
        """Set an open action's status (a check-in answer, say), with an optional note."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "update")
        return await self._set_status(action, actor, status, note and _note(note), now)

    async def reassign(
        self,
        scope: ChatScope,
        actor: Actor,
        number: int,
        ref: OwnerRef,
        now: datetime,
        check_name: bool = True,
    ) -> tuple[Action, Owner]:
        """Give an open action to someone else (coordinators); an unseen @name close to a
        known one is refused as in :meth:`assign` unless ``check_name`` is off (chosen)."""
        self.require_coordinator(actor, "reassign actions")
        action = await self._open_action(scope, number)
        owner = await self.resolve_owner(ref, actor)
        await self._require_here(scope, owner, actor)
        if (owner.user_id, owner.handle if owner.pending else None) == (
            action.owner_user_id,
            action.owner_handle if action.owner_user_id is None else None,
        ):
            raise RegisterError(f"#{number} is already {owner.name}'s.")
        if check_name:
            await self._check_unseen(scope, owner)
        _require_possible(owner)
        partner = (
            await self.partners.of_member(scope.chat_id, owner.user_id) if owner.user_id else None
        )
        changes = [Change("owner", action.owner_name, owner.name)]
        new_partner_id = partner.partner_id if partner else None
        if new_partner_id != action.partner_id:
            changes.append(
                Change("partner", action.partner_name, partner.name if partner else None)
            )
        columns = {
            "owner_user_id": owner.user_id,
            "owner_handle": owner.handle if owner.pending else None,
            "partner_id": new_partner_id,
        }
        held_by = {"owner_user_id": action.owner_user_id, "owner_handle": action.owner_handle}
        return await self._write(action, actor, now, columns, changes, expect=held_by), owner

    async def set_due(
        self, scope: ChatScope, actor: Actor, number: int, when: str, now: datetime
    ) -> Action:
        """Change an open action's due date (coordinators)."""
        self.require_coordinator(actor, "change due dates")
        action = await self._open_action(scope, number)
        due = self._due(when, scope, now)
        if due is None:
            raise UsageError("Say when it is due, e.g. /due 3 next Tuesday")
        if due_value(due) == due_value(action.due):  # no change to log (nor to count)
            raise RegisterError(f"#{number} is already due {due.describe(scope.zone, now)}.")
        return await self._set_due(action, actor, due, now)

    async def snooze(
        self, scope: ChatScope, actor: Actor, number: int, now: datetime, shown: str | None = None
    ) -> Action:
        """Push the due date a week later (a week from today if it had none, or if a
        week later would still be past: snoozing never leaves an action overdue). Its
        owner may snooze it, as their reminders offer; other due-date changes (/due) are
        for coordinators. ``shown``: the stamp of the due date the pressed message showed;
        if it has moved since (a double tap), nothing changes."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "snooze")
        if shown is not None and shown != stamp(action.due):
            when = action.due.describe(scope.zone, now) if action.due else "undated"
            raise RegisterError(
                f"#{number} is already due {when}: it was moved since. Nothing changed."
            )
        if action.due is not None and action.due.later(SNOOZE).deadline(scope.zone) > now:
            due = action.due.later(SNOOZE)
            if due.day_in(scope.zone) > horizon(now, scope.zone):
                raise RegisterError(f"#{number} is due too far ahead to snooze it further.")
        else:  # no due date, or still overdue a week on: a week from today
            due = parse_due("in 1 week", now, scope.zone)
        return await self._set_due(action, actor, due, now)

    async def drop(
        self, scope: ChatScope, actor: Actor, number: int, reason: str, now: datetime
    ) -> Action:
        """Drop an open action (coordinators)."""
        self.require_coordinator(actor, "drop actions")
        action = await self._open_action(scope, number)
        return await self._set_status(action, actor, Status.DROPPED, _note(reason), now)

    async def edit(
        self, scope: ChatScope, actor: Actor, number: int, title: str, now: datetime
    ) -> Action:
        """Correct an open action's title (its owner or a coordinator)."""
        action = await self._open_action(scope, number)
        self._require_owner_or_coordinator(action, actor, "edit")
        if title == action.title:
            raise RegisterError(f"#{number} is already called that.")
        change = Change("edited", action.title, title)
        return await self._write(
            action, actor, now, {"title": title}, [change], expect={"title": action.title}
        )

    async def reopen(self, scope: ChatScope, actor: Actor, number: int, now: datetime) -> Action:
        """Undo a done (its owner or a coordinator) or a drop (coordinators): the action
        is open again with the status it had before it was closed."""
        action = await self.action(scope, number)
        if not action.status.closed:
            raise RegisterError(f"#{number} is open already.")
        if action.status is Status.DROPPED:
            self.require_coordinator(actor, "reopen a dropped action")
        else:
            self._require_owner_or_coordinator(action, actor, "reopen")
        await self._require_room(scope)
        before = Status.OPEN
        for event in reversed(await self.actions.history(action)):
            if event.kind == "status" and event.new_value == action.status.value:
                earlier = Status(event.old_value) if event.old_value else Status.OPEN
                before = Status.OPEN if earlier.closed else earlier
                break
        change = Change("reopened", action.status.value, before.value)
        columns = {"status": before.value, "closed_at": None}
        return await self._write(action, actor, now, columns, [change], [action.status])

    async def history(self, scope: ChatScope, number: int) -> tuple[Action, list[ActionEvent]]:
        """An action and every change to it."""
        action = await self.action(scope, number)
        return action, await self.actions.history(action)

    async def listing(
        self, scope: ChatScope, query: str, now: datetime
    ) -> tuple[str, list[Action]]:
        """``/actions [overdue | done | blocked | at risk | on track | @user | partner]``: a
        heading and the actions
        (courtesy words around the filter dropped: "overdue please")."""
        words = _PLEASE_FIRST.sub("", drop_courtesy(query.strip())).strip()
        lowered = words.lower()
        if not words:
            return "Open actions", await self.actions.in_chat(scope.chat_id, OPEN_STATUSES)
        if lowered == "overdue":
            open_actions = await self.actions.in_chat(scope.chat_id, OPEN_STATUSES)
            return "Overdue actions", [a for a in open_actions if a.is_overdue(now, scope.zone)]
        if lowered == "done":
            return "Done actions", await self.actions.in_chat(scope.chat_id, [Status.DONE])
        if lowered in ("all", "everything"):
            return "All actions", await self.actions.in_chat(scope.chat_id, list(Status))
        if (
            status := STATUS_FILTERS.get(" ".join(lowered.split()))
        ) is not None:  # "blocked", "at risk"
            return f"{status.label.capitalize()} actions", await self.actions.in_chat(
                scope.chat_id, [status]
            )
        if words.startswith("@") or lowered == "me":
            return await self._listing_of(scope, words)
        if lowered.startswith("with "):
            return await self._supported_by(scope, words[5:].strip())
        if goal := _GOAL_FILTER.fullmatch(lowered):
            number = int(goal.group(1))
            actions = await self.actions.in_chat(scope.chat_id, OPEN_STATUSES, goal_number=number)
            return f"Open actions for goal {number}", actions
        partner = await self._filter_partner(scope, words)
        actions = await self.actions.in_chat(
            scope.chat_id, OPEN_STATUSES, partner_id=partner.partner_id
        )
        return f"Open actions of {partner.name}", actions

    async def partners_here(self, scope: ChatScope) -> list[Partner]:
        """The partner organisations of a group, with their members."""
        return await self.partners.in_chat(scope.chat_id)

    async def _filter_partner(self, scope: ChatScope, words: str) -> Partner:
        """The partner ``/actions <words>`` names; words that are no filter at all are
        named back with the filters there are, and a close partner or person suggested."""
        partners = await self.partners.in_chat(scope.chat_id)
        if (partner := _partner_named(partners, words, "actions")) is not None:
            return partner
        if words.strip().casefold() == "goal":
            raise UsageError("Say which goal: /actions goal <n> (/goals lists them).")
        suggestion = _close_partner(partners, words)
        hint = f" Did you mean /actions {suggestion}?" if suggestion else ""
        if not hint:  # "carol" for @carol, a person seen here
            wanted = words.casefold()
            for person in await self.people.known_in(scope.chat_id):
                if person.username and wanted in (
                    person.username.casefold(),
                    person.display_name.casefold(),
                ):
                    hint = f" Did you mean /actions @{person.username}?"
                    break
        partner_names = "a partner name" if partners else "a partner name (none here yet)"
        raise UsageError(
            f"I don't know the filter {clip(words)!r}.{hint} /actions takes: overdue, done, "
            f"all, me, @name, with @name, goal N, {partner_names}, and page N."
        )

    async def _listing_of(self, scope: ChatScope, handle: str) -> tuple[str, list[Action]]:
        person = await self.people.find_by_username(handle)
        if person is not None:
            actions = await self.actions.in_chat(
                scope.chat_id, OPEN_STATUSES, owner_user_id=person.user_id
            )
            return f"Open actions of {person.display_name}", actions
        pending = await self.actions.in_chat(
            scope.chat_id, OPEN_STATUSES, owner_handle=handle.lstrip("@").lower()
        )
        return f"Open actions of {handle}", pending

    async def _supported_by(self, scope: ChatScope, name: str) -> tuple[str, list[Action]]:
        """``/actions with @alexis`` or ``/actions with HSCB``: the open actions a person
        or partner supports (not those they own)."""
        supporter: tuple[str, int | str]
        if name.startswith("@"):
            person = await self.people.find_by_username(name)
            handle = name.lstrip("@").lower()
            supporter = ("user_id", person.user_id) if person else ("handle", handle)
            label = person.display_name if person else f"@{handle}"
        else:
            partner = await self.find_partner(scope, name)
            supporter, label = ("partner_id", partner.partner_id), partner.name
        actions = await self.actions.in_chat(scope.chat_id, OPEN_STATUSES, supporter=supporter)
        return f"Open actions {label} supports", actions

    async def of_person(self, user_id: int, scope: ChatScope | None) -> list[Action]:
        """A person's open actions: in one chat, or in every chat when ``scope`` is None."""
        if scope is None:
            return await self.actions.of_owner(user_id, OPEN_STATUSES)
        return await self.actions.in_chat(scope.chat_id, OPEN_STATUSES, owner_user_id=user_id)

    async def numbered_of_person(self, user_id: int, number: int) -> list[Action]:
        """A person's actions numbered ``number`` in any chat, open or closed (to find
        where a private /reopen or /update on a closed action is meant)."""
        return await self.actions.of_owner(user_id, list(Status), number=number)

    async def who(self, scope: ChatScope, words: str) -> list[Action]:
        """Open actions whose titles match ``words`` best (fuzzy, typo-tolerant)."""
        open_actions = await self.actions.in_chat(scope.chat_id, OPEN_STATUSES)
        return best_matches(words, open_actions)

    async def who_closed(self, scope: ChatScope, words: str) -> list[Action]:
        """Closed actions whose titles match ``words`` best: "who is responsible for the
        MOU?" when that action is done is answered with it, not with guidance."""
        closed = await self.actions.in_chat(scope.chat_id, frozenset(Status) - OPEN_STATUSES)
        return best_matches(words, closed)

    async def responsibilities(
        self, scope: ChatScope, subject: str
    ) -> tuple[str, list[Action]] | None:
        """ "What is HSCB responsible for?", "what does Bob own?": the open actions of
        the partner or person ``subject`` names, with the /actions filter that lists
        them; ``None`` when it names neither. A partner is matched as
        /actions matches one (its name, or words starting words of only its name); a
        person by @name, or by @name or first name among the people seen here."""
        person: PersonRecord | None = None
        partner = None
        if subject.startswith("@"):
            person = await self.people.find_by_username(subject)
            if person is None:
                return None
        else:
            partner = _partner_named(await self.partners.in_chat(scope.chat_id), subject, "actions")
        if partner is not None:
            found = await self.actions.in_chat(
                scope.chat_id, OPEN_STATUSES, partner_id=partner.partner_id
            )
            label = partner.name
        else:
            person = person or _first_named(await self.people.known_in(scope.chat_id), subject)
            if person is None:
                return None
            found = await self.actions.in_chat(
                scope.chat_id, OPEN_STATUSES, owner_user_id=person.user_id
            )
            label = f"@{person.username}" if person.username else person.display_name
        return label, found

    async def username_of(self, scope: ChatScope, name: str) -> str | None:
        """The @name of the one person seen here whose first name (or @name) is ``name``:
        "Dave to chase the invoice" can then be offered as "@dave_k chase the invoice"."""
        person = _first_named(await self.people.known_in(scope.chat_id), name)
        return person.username if person is not None else None

    # --- partners and coordinators --------------------------------------------------------

    async def add_partner(
        self, scope: ChatScope, actor: Actor, name: str, now: datetime
    ) -> tuple[Partner, bool]:
        """Add a partner organisation (coordinators)."""
        self.require_coordinator(actor, "manage partners")
        cleaned = clean_text(name)
        if not cleaned or len(cleaned) > 80:
            raise UsageError(
                "Usage: /partner add <Name>  e.g. /partner add City Council (up to 80 characters)"
            )
        if _NOT_A_PARTNER_NAME.fullmatch(cleaned):
            raise UsageError(
                f"{cleaned!r} is not a partner name: it reads as a person or an action number. "
                "Give the organisation's name, e.g. /partner add City Council"
            )
        partners = await self.partners.in_chat(scope.chat_id)
        if twin := _look_alike(cleaned, partners):
            raise UsageError(
                f"{cleaned!r} looks like {twin.name}, already a partner, but is spelled with "
                f"other letters. Use /join {twin.name}, or a name that reads differently."
            )
        return await self.partners.add(scope.chat_id, cleaned, now)

    async def remove_partner(
        self, scope: ChatScope, actor: Actor, name: str, now: datetime
    ) -> Partner:
        """Retire a partner organisation (coordinators)."""
        self.require_coordinator(actor, "manage partners")
        partner = await self.find_partner(scope, name, "partner remove")
        if " ".join(clean_text(name).split()).casefold() != partner.name.casefold():
            # a word or prefix is enough to find a partner, not to retire it
            raise RegisterError(
                f"“{clip(name.strip())}” matches {partner.name}. To remove it, give its "
                f"full name: /partner remove {partner.name}"
            )
        await self.partners.remove(partner, now)
        return partner

    async def join(
        self, scope: ChatScope, actor: Actor, name: str, now: datetime
    ) -> tuple[Partner, Partner | None]:
        """Make the actor a member of a partner (anyone, for themselves); the partner and
        the one they belonged to before, if another.

        Their open actions here that no partner was attributed to (say, assigned before
        Accord had seen them) are attributed to it now.
        """
        if actor.anonymous:
            raise _no_person(actor, "/join", "post as yourself to join a partner.")
        partner = await self.find_partner(scope, name)
        before = await self.partners.of_member(scope.chat_id, actor.user_id)
        await self.partners.join(scope.chat_id, actor.user_id, partner, now)
        owned = await self.actions.in_chat(
            scope.chat_id, OPEN_STATUSES, owner_user_id=actor.user_id
        )
        for action in owned:
            if action.partner_id is None:
                await self.actions.change(
                    action,
                    actor.user_id,
                    now,
                    {"partner_id": partner.partner_id},
                    [Change("partner", None, partner.name)],
                    expect={"partner_id": None},  # unless someone attributed it meanwhile
                )
        moved = before if before is not None and before.partner_id != partner.partner_id else None
        return partner, moved

    async def find_partner(self, scope: ChatScope, name: str, command: str = "join") -> Partner:
        """A partner by name, case-insensitively, or by words that start words of only one
        partner's name ("health board", "carers"); a close misspelling gets a suggestion,
        and words that several partners share get their names (``command`` says which
        command to show again)."""
        partners = await self.partners.in_chat(scope.chat_id)
        if (partner := _partner_named(partners, name, command)) is not None:
            return partner
        if not partners:
            raise RegisterError(
                "This chat has no partner organisations yet. "
                "A coordinator adds them: /partner add <Name>"
            )
        names = [p.name for p in partners]
        suggestion = _close_partner(partners, name)
        hint = f" Did you mean {suggestion}?" if suggestion else ""
        listed = ", ".join(names) if len(names) <= LISTED_PARTNERS else "see /partners"
        raise RegisterError(
            f"There is no partner called {name.strip()!r} here.{hint} Partners: {listed}"
        )

    async def add_coordinator(
        self, scope: ChatScope, actor: Actor, ref: OwnerRef, now: datetime
    ) -> tuple[Owner, bool]:
        """Name someone a coordinator of this chat (coordinators)."""
        self.require_coordinator(actor, "name coordinators")
        person = await self._known_person(ref, actor)
        added = await self.coordinators.add(scope.chat_id, person.user_id, actor.user_id, now)  # type: ignore[arg-type]
        return person, added

    async def remove_coordinator(
        self, scope: ChatScope, actor: Actor, ref: OwnerRef
    ) -> tuple[Owner, bool]:
        """Un-name a coordinator (coordinators); admins stay coordinators regardless."""
        self.require_coordinator(actor, "name coordinators")
        person = await self._known_person(ref, actor)
        return person, await self.coordinators.remove(scope.chat_id, person.user_id)  # type: ignore[arg-type]

    async def _known_person(self, ref: OwnerRef, actor: Actor) -> Owner:
        person = await self.resolve_owner(ref, actor)
        if person.pending:
            raise RegisterError(
                f"I haven't seen {person.name} yet: ask them to write in this chat first."
            )
        return person

    # --- helpers --------------------------------------------------------------------------

    async def _require_room(self, scope: ChatScope, adding: int = 1) -> None:
        """Refuse new actions while the chat has as many open ones as it may hold."""
        count = await self.actions.count_open(scope.chat_id)
        if adding > 1 and count + adding > self.max_open_actions:
            raise RegisterError(
                f"This chat has {count} open actions; these {adding} would pass the most "
                f"Accord keeps open at once ({self.max_open_actions}). Close or drop some "
                "(/done, /drop; see /actions), or record fewer."
            )
        if count >= self.max_open_actions:
            raise RegisterError(
                f"This chat already has {count} open actions, the most Accord keeps open at "
                "once. Close or drop some (/done, /drop; see /actions), then try again."
            )

    async def _open_action(self, scope: ChatScope, number: int) -> Action:
        action = await self.action(scope, number)
        if action.status.closed:
            raise ClosedError(action)
        return action

    async def _set_status(
        self, action: Action, actor: Actor, status: Status, note: str | None, now: datetime
    ) -> Action:
        columns: dict[str, object] = {"status": status.value}
        if status.closed:
            columns["closed_at"] = now.isoformat(timespec="seconds")
        if note:
            columns["last_note"] = note
        change = Change("status", action.status.value, status.value, note)
        follow_up = self._next_occurrence(action, actor, now) if status is Status.DONE else None
        return await self._write(
            action, actor, now, columns, [change], [action.status], follow_up=follow_up
        )

    def _next_occurrence(self, action: Action, actor: Actor, now: datetime) -> NewAction | None:
        """A recurring action's next occurrence, due on its rule's next day after this
        one's (and not in the past), at the same time of day if it had one."""
        rule = action.recurrence
        if rule is None:
            return None
        zone = ZoneInfo(action.chat_timezone) if action.chat_timezone else None
        zone = zone or self.default_zone
        today = now.astimezone(zone).date()
        previous = action.due.day_in(zone) if action.due else today
        day = rule.after(previous, today)
        if action.due is not None and action.due.at is not None:
            clock = action.due.at.astimezone(zone).timetz().replace(tzinfo=None)
            due = Due(at=datetime.combine(day, clock, tzinfo=zone).astimezone(UTC))
        else:
            due = Due(on=day)
        return NewAction(
            chat_id=action.chat_id,
            title=action.title,
            owner_user_id=action.owner_user_id,
            owner_handle=action.owner_handle if action.owner_user_id is None else None,
            partner_id=action.partner_id,
            due=due,
            created_by=actor.user_id,
            source_message_id=None,
            supporters_from=action.action_id,
            recurrence=rule,
            series_id=action.series_id or action.action_id,
            goal=(action.goal_id, action.goal_number)
            if action.goal_id is not None and action.goal_number is not None
            else None,
        )

    async def _set_due(self, action: Action, actor: Actor, due: Due, now: datetime) -> Action:
        change = Change("due", due_value(action.due), due_value(due))
        return await self._write(
            action, actor, now, due_columns(due), [change], expect=due_columns(action.due)
        )

    async def _write(
        self,
        action: Action,
        actor: Actor,
        now: datetime,
        columns: Mapping[str, object],
        changes: list[Change],
        statuses: Iterable[Status] = OPEN_STATUSES,
        expect: Mapping[str, object] | None = None,
        follow_up: NewAction | None = None,
        supporters: tuple[Supporter, ...] | None = None,
    ) -> Action:
        """Write a change whose rules the UPDATE checks again (still in ``statuses``,
        ``expect`` unchanged, still the actor's unless they coordinate): what ran since
        the action was read can't be overwritten. If it moved on, say how."""
        closing = Status(str(columns.get("status", action.status.value))).closed
        if not closing and await self.actions.event_count(action) >= MAX_EVENTS:
            raise RegisterError(
                f"#{action.number} has {MAX_EVENTS:,} changes in its history, the most one "
                f"action keeps. Close it (/done {action.number}) and assign a follow-up."
            )
        guard = dict(expect or {})
        if not actor.is_coordinator:
            guard["owner_user_id"] = actor.user_id
        changed = await self.actions.change(
            action,
            actor.user_id,
            now,
            dict(columns),
            changes,
            statuses,
            guard,
            follow_up,
            supporters,
        )
        if changed is not None:
            return changed
        number = action.number
        fresh = await self.actions.get(action.chat_id, number)
        if fresh is None or fresh.action_id != action.action_id:
            raise RegisterError(f"#{number} has moved: see /actions.")
        if fresh.status.closed and fresh.status is not action.status:
            raise ClosedError(fresh)
        self._require_owner_or_coordinator(fresh, actor, "change")
        raise RegisterError(f"#{number} changed just now: see /history {number} and try again.")

    def _due(self, text: str | None, scope: ChatScope, now: datetime) -> Due | None:
        if not text:
            return None
        try:
            return parse_due(text, now, scope.zone, order=scope.date_order)
        except DueDateError as error:
            raise RegisterError(str(error)) from None

    @staticmethod
    def require_coordinator(actor: Actor, what: str) -> None:
        """Refuse, saying who may, unless ``actor`` coordinates this chat."""
        if not actor.is_coordinator:
            raise NotAllowedError(f"Only {COORDINATORS} can {what}.")

    @staticmethod
    def _require_owner_or_coordinator(action: Action, actor: Actor, verb: str) -> None:
        if not (action.owned_by(actor.user_id) or actor.is_coordinator):
            raise NotAllowedError(
                f"Only #{action.number}'s owner ({action.owner_name}) "
                f"or a coordinator can {verb} it."
            )


def _no_person(actor: Actor, what: str, instead: str) -> RegisterError:
    """Refusal for a message sent as a chat where a person is needed."""
    return RegisterError(
        f"You're posting anonymously as {actor.posting_as}, so there is no person behind "
        f"{what}: {instead}"
    )


_WORD = re.compile(r"[^\W_]+")
_GOAL_FILTER = re.compile(r"goal\s+#?(\d{1,9})")  # /actions goal 2
# A "partner" that would read as a person or an action: @carol, #1, me.
_NOT_A_PARTNER_NAME = re.compile(r"@\w+|#\d+|me", re.IGNORECASE)
MIN_PREFIX = 2  # a shorter word matches too much to mean one partner


def _partner_named(partners: list[Partner], name: str, command: str) -> Partner | None:
    """The partner ``name`` is (its name, or words that start words of only its name),
    ``None`` if none is; ``RegisterError`` naming them when several partners share the
    words (``command`` is the one to show again)."""
    wanted = " ".join(clean_text(name).split()).casefold()
    for partner in partners:
        if partner.name.casefold() == wanted:
            return partner
    matching = [p for p in partners if _starts_words_of(wanted, p.name)]
    if len(matching) == 1:
        return matching[0]
    if matching:
        names = sorted((p.name for p in matching), key=str.casefold)
        more = ", …" if len(names) > LISTED_PARTNERS else ""
        shown = ", ".join(names[:LISTED_PARTNERS]) + more
        raise RegisterError(
            f"“{clip(name.strip())}” matches several partners: {shown}. "
            f"Say which, e.g. /{command} {names[0]}"
        )
    return None


def _first_named(people: list[PersonRecord], name: str) -> PersonRecord | None:
    """The one person seen here whose @name or first name is ``name``, if just one is."""
    wanted = name.casefold()
    found = [
        p
        for p in people
        if wanted in ((p.username or "").casefold(), p.display_name.split()[0].casefold())
    ]
    return found[0] if len(found) == 1 else None


def _possible_username(handle: str) -> bool:
    """Whether someone could hold ``@handle`` (Telegram's length rule for usernames)."""
    return MIN_USERNAME <= len(handle) <= MAX_USERNAME


def _require_possible(owner: Owner) -> None:
    """Refuse an unseen @name nobody could ever write as: it would wait for ever."""
    if owner.pending and owner.handle is not None and not _possible_username(owner.handle):
        raise RegisterError(f"{not_a_username(owner.handle)} {PICK_FROM_MENU}")


def _close_partner(partners: list[Partner], name: str) -> str | None:
    """The name of the partner ``name`` is a close misspelling of, if any."""
    wanted = " ".join(name.split()).casefold()
    names = [p.name for p in partners]
    found = process.extractOne(
        wanted, names, scorer=fuzz.WRatio, processor=str.casefold, score_cutoff=70
    )
    return found[0] if found else None


def _starts_words_of(wanted: str, name: str) -> bool:
    """Whether each word of ``wanted`` starts a word of ``name`` ("food bank" and
    "northside" both fit "Northside Food Bank"; punctuation is ignored)."""
    words = _WORD.findall(wanted)
    own = _WORD.findall(name.casefold())
    return bool(words) and all(
        len(word) >= MIN_PREFIX and any(part.startswith(word) for part in own) for word in words
    )


def _look_alike(name: str, partners: list[Partner]) -> Partner | None:
    """The partner whose name reads like ``name`` but is spelled otherwise (a Cyrillic
    С in "Сity Council"): a second partner no one could tell from the first."""
    shape = skeleton(name)
    for partner in partners:
        if partner.name.casefold() != name.casefold() and skeleton(partner.name) == shape:
            return partner
    return None


def _note(text: str) -> str | None:
    note = clean_text(text)
    if len(note) > MAX_NOTE:
        raise UsageError(f"That note is {len(note)} characters long; keep it to {MAX_NOTE}.")
    return note or None
