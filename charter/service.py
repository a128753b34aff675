"""The charter's operations: permission rules, then the change and its history.

Coordinators change goals, roles and decisions; anyone reads them and answers a
decision. Everything is scoped by the chat, so one group never reaches another's.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from charter.parsing import RoleRequest
from domain.charter import (
    MAX_CHARTER_TEXT,
    MAX_ROLE_NAME,
    Answer,
    CharterDigest,
    CharterEvent,
    Decision,
    DecisionStatus,
    Goal,
    GoalProgress,
    Role,
)
from domain.model import Action, Actor, ChatScope, Status
from register.matching import stems
from register.parsing import MAX_USERNAME, MIN_USERNAME, UsageError, not_a_username
from register.service import MAX_EVENTS, NotAllowedError, Register, RegisterError
from register.text import clean_text
from storage.actions import Change
from storage.charter import CharterRepository

_WORD = re.compile(r"[^\W_]+")


class DecisionClosedError(RegisterError):
    """An answer to a decision already confirmed or withdrawn."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"Decision {decision.number} is {_state(decision)}: answers are closed.")
        self.decision = decision


class Charter:
    """The goals, roles and decisions of every chat."""

    def __init__(self, repository: CharterRepository, register: Register) -> None:
        self.repository = repository
        self.register = register

    # --- goals ----------------------------------------------------------------------------

    async def add_goal(self, scope: ChatScope, actor: Actor, text: str, now: datetime) -> Goal:
        """Record an agreed goal (coordinators)."""
        self.register.require_coordinator(actor, "change the partnership's goals")
        wording = _text(text, "goal")
        same = " ".join(wording.split()).casefold()
        for goal in await self.repository.goals(scope.chat_id):
            if " ".join(goal.text.split()).casefold() == same:
                raise RegisterError(
                    f"Goal {goal.number} already reads so: {goal.text}. Nothing was added."
                )
        return await self.repository.add_goal(scope.chat_id, wording, actor.user_id, now)

    async def edit_goal(
        self, scope: ChatScope, actor: Actor, number: int, text: str, now: datetime
    ) -> tuple[Goal, Goal]:
        """Reword an open goal (coordinators): the goal before and after."""
        self.register.require_coordinator(actor, "change the partnership's goals")
        goal = await self.open_goal(scope, number)
        wording = _text(text, "goal")
        if wording == goal.text:
            raise RegisterError(f"Goal {number} already reads so.")
        changed = await self.repository.change_goal(goal, actor.user_id, now, text=wording)
        return goal, _still_open(changed, number)

    async def close_goal(self, scope: ChatScope, actor: Actor, number: int, now: datetime) -> Goal:
        """Close a goal (coordinators): it leaves /goals, its actions keep their link."""
        self.register.require_coordinator(actor, "change the partnership's goals")
        goal = await self.open_goal(scope, number)
        return _still_open(
            await self.repository.change_goal(goal, actor.user_id, now, close=True), number
        )

    async def goal(self, scope: ChatScope, number: int) -> Goal:
        """Goal ``number`` of this chat, or an error saying there is none."""
        goal = await self.repository.goal(scope.chat_id, number)
        if goal is None:
            raise RegisterError(f"There is no goal {number} in this chat. See /goals.")
        return goal

    async def open_goal(self, scope: ChatScope, number: int) -> Goal:
        """Goal ``number``, refused if it is closed."""
        goal = await self.goal(scope, number)
        if goal.closed:
            raise RegisterError(f"Goal {number} is closed. See /goals.")
        return goal

    async def progress(
        self,
        scope: ChatScope,
        now: datetime,
        since: datetime | None = None,
        closed: bool = False,
    ) -> list[GoalProgress]:
        """Each open goal (and closed ones too with ``closed``) with its actions done, open
        and overdue (and done since ``since``)."""
        goals = await self.repository.goals(scope.chat_id, closed=closed)
        actions = await self.register.actions.in_chat(scope.chat_id, list(Status))
        return [_progress(goal, actions, scope.zone, now, since) for goal in goals]

    async def goal_actions(self, scope: ChatScope, number: int) -> tuple[Goal, list[Action]]:
        """A goal and every action linked to it."""
        goal = await self.goal(scope, number)
        return goal, await self.register.actions.in_chat(
            scope.chat_id, list(Status), goal_id=goal.goal_id
        )

    async def link(
        self, scope: ChatScope, actor: Actor, number: int, goal_number: int | None, now: datetime
    ) -> Action:
        """Link action ``#number`` to an open goal, or unlink it (``None``): its owner or a
        coordinator; recorded in the action's history."""
        action = await self.register.action(scope, number)
        if not (action.owned_by(actor.user_id) or actor.is_coordinator):
            raise NotAllowedError(
                f"Only #{number}'s owner ({action.owner_name}) or a coordinator can link it "
                "to a goal."
            )
        goal = await self.open_goal(scope, goal_number) if goal_number is not None else None
        if (goal.goal_id if goal else None) == action.goal_id:
            where = f"goal {goal_number}" if goal else "no goal"
            raise RegisterError(f"#{number} is already linked to {where}.")
        if await self.register.actions.event_count(action) >= MAX_EVENTS:
            raise RegisterError(
                f"#{number} has {MAX_EVENTS:,} changes in its history, the most one action "
                "keeps: assign a follow-up for the goal instead."
            )
        old = f"goal {action.goal_number}" if action.goal_number else None
        guard: dict[str, object] = {"goal_id": action.goal_id}
        if not actor.is_coordinator:  # still theirs when the link is written
            guard["owner_user_id"] = actor.user_id
        changed = await self.register.actions.change(
            action,
            actor.user_id,
            now,
            {"goal_id": goal.goal_id if goal else None},
            [Change("goal", old, f"goal {goal.number}" if goal else None)],
            list(Status),
            guard,
        )
        if changed is None:
            raise RegisterError(f"#{number} changed just now: see /history {number} and try again.")
        return changed

    # --- roles ----------------------------------------------------------------------------

    async def set_role(
        self, scope: ChatScope, actor: Actor, request: RoleRequest, now: datetime
    ) -> tuple[Role, Role | None]:
        """Give a role to a person or partner (coordinators); the role as it was, if any."""
        self.register.require_coordinator(actor, "change the partnership's roles")
        name = clean_text(request.name)
        if len(name) > MAX_ROLE_NAME:
            raise UsageError(f"Keep a role's name to {MAX_ROLE_NAME} characters.")
        covers = _text(request.covers, "role's remit") if request.covers else None
        user_id, handle, partner_id, holder = await self._holder(scope, actor, request)
        return await self.repository.set_role(
            scope.chat_id, name, (user_id, handle, partner_id), holder, covers, actor.user_id, now
        )

    async def _holder(
        self, scope: ChatScope, actor: Actor, request: RoleRequest
    ) -> tuple[int | None, str | None, int | None, str]:
        """Who ``request`` names: an @name or mention (as /assign reads owners), a partner
        organisation (as /partner names them) or a person seen here by their name."""
        if request.person is not None:
            owner = await self.register.resolve_owner(request.person, actor)
            await self.register.require_here(scope, owner, actor)
            if owner.pending:
                handle = owner.handle or ""
                if not MIN_USERNAME <= len(handle) <= MAX_USERNAME:
                    raise RegisterError(not_a_username(handle))
                if close := await self.register.close_names(scope, handle):
                    raise RegisterError(
                        f"I haven't seen @{handle} in this group. Did you mean @{close[0]}? "
                        f"Say @{close[0]}, or ask @{handle} to write here first. Nothing was "
                        "changed."
                    )
                return None, handle, None, owner.name
            return owner.user_id, None, None, owner.name
        partners = await self.register.partners.in_chat(scope.chat_id)
        wanted = " ".join(clean_text(request.holder).split()).casefold()
        exact = next((p for p in partners if p.name.casefold() == wanted), None)
        if exact is not None:
            return None, None, exact.partner_id, exact.name
        people = [
            p
            for p in await self.register.people.known_in(scope.chat_id)
            if wanted in (p.display_name.casefold(), p.display_name.split()[0].casefold())
        ]
        if len(people) == 1:
            return people[0].user_id, None, None, people[0].display_name
        partner = await self.register.find_partner(scope, request.holder, "role add")
        return None, None, partner.partner_id, partner.name

    async def link_pending(self, handle: str, user_id: int) -> None:
        """Roles given to ``@handle`` before Accord had seen them are the person's now."""
        await self.repository.link_pending(handle, user_id)

    async def remove_role(self, scope: ChatScope, actor: Actor, name: str, now: datetime) -> Role:
        """Take a role out of the terms of reference (coordinators)."""
        self.register.require_coordinator(actor, "change the partnership's roles")
        wanted = " ".join(clean_text(name.strip().strip("\"“”'‘’")).split()).casefold()
        role = next((r for r in await self.roles(scope) if r.name.casefold() == wanted), None)
        if role is None:
            raise RegisterError(f"There is no role called {name.strip()!r} here. See /roles.")
        if not await self.repository.remove_role(role, actor.user_id, now):
            raise RegisterError(f"{role.name} was removed just now. See /roles.")
        return role

    async def roles(self, scope: ChatScope) -> list[Role]:
        """The chat's roles, by name."""
        return await self.repository.roles(scope.chat_id)

    async def roles_named(self, scope: ChatScope, words: str) -> list[Role]:
        """Roles whose name the words name: "chair" or "chairs" finds Chair, "data lead"
        finds Data lead (for "who chairs?", "who is our data lead?"); failing that, a role
        the words begin with, then say where ("chair of the board" finds Chair, but
        "vice chair" never finds Chair)."""
        wanted = [_stem(w) for w in _WORD.findall(words.casefold())]
        if not wanted:
            return []
        roles = [
            (r, [_stem(w) for w in _WORD.findall(r.name.casefold())])
            for r in await self.roles(scope)
        ]
        exact = [r for r, own in roles if own == wanted or (len(wanted) == 1 and wanted[0] in own)]
        return exact or [
            r
            for r, own in roles
            if own
            and wanted[: len(own)] == own
            and wanted[len(own) : len(own) + 1] in (["of"], ["for"], ["at"], ["in"], ["on"])
        ]

    async def roles_held(self, scope: ChatScope, label: str) -> list[Role]:
        """The roles a partner or person holds, named as the register's "what is HSCB
        responsible for?" names them (a partner's name, an @name or a display name)."""
        roles = await self.roles(scope)
        if label.startswith("@"):
            person = await self.register.people.find_by_username(label)
            handle = label[1:].casefold()
            return [
                r
                for r in roles
                if (person is not None and r.user_id == person.user_id) or r.handle == handle
            ]
        return [r for r in roles if r.holder.casefold() == label.casefold()]

    # --- decisions ------------------------------------------------------------------------

    async def decide(
        self,
        scope: ChatScope,
        actor: Actor,
        text: str,
        proposer: tuple[int | None, str],
        now: datetime,
        source_message_id: int | None = None,
    ) -> tuple[Decision, bool]:
        """Record a decision (coordinators), proposed by ``proposer`` (id and name)."""
        self.register.require_coordinator(actor, "record decisions")
        return await self.repository.add_decision(
            scope.chat_id, _text(text, "decision"), proposer, actor.user_id, now, source_message_id
        )

    async def decision(self, scope: ChatScope, number: int) -> Decision:
        """Decision ``number`` of this chat with its answers, or an error saying there is none."""
        decision = await self.repository.decision(scope.chat_id, number)
        if decision is None:
            raise RegisterError(f"There is no decision {number} in this chat. See /decisions.")
        return decision

    async def decisions(self, scope: ChatScope) -> list[Decision]:
        """The chat's decisions, latest first."""
        return await self.repository.decisions(scope.chat_id)

    async def decisions_about(self, scope: ChatScope, words: str) -> list[Decision]:
        """The chat's decisions, latest first, whose text holds every word of ``words`` in
        any form ("splitting the evaluation cost" finds "Split the evaluation cost…");
        all of them when ``words`` says nothing in particular."""
        wanted = stems(words) - stems(_LITTLE_WORDS)
        return [d for d in await self.decisions(scope) if wanted <= stems(d.text)]

    async def respond(
        self, chat_id: int, decision_id: int, actor: Actor, answer: Answer, now: datetime
    ) -> tuple[Decision, bool]:
        """Record a member's answer (the caller checked they are a member of ``chat_id``):
        the decision afterwards and whether the answer changed."""
        decision = await self.repository.decision_by_id(decision_id)
        if decision is None or decision.chat_id != chat_id:
            raise RegisterError("This decision is not this chat's.")
        if actor.anonymous:
            raise RegisterError("Answer as yourself, not anonymously: answers are per person.")
        changed = await self.repository.respond(decision, actor.user_id, answer, now)
        if changed is None:
            fresh = await self.repository.decision_by_id(decision_id)
            raise DecisionClosedError(fresh or decision)
        fresh = await self.repository.decision_by_id(decision_id)
        assert fresh is not None
        return fresh, changed

    async def resolve(
        self, scope: ChatScope, actor: Actor, number: int, verb: str, now: datetime
    ) -> Decision:
        """``confirm`` or ``withdraw`` an open decision (coordinators)."""
        self.register.require_coordinator(actor, "confirm or withdraw decisions")
        status = {"confirm": DecisionStatus.CONFIRMED, "withdraw": DecisionStatus.WITHDRAWN}[verb]
        decision = await self.decision(scope, number)
        if decision.status is not DecisionStatus.OPEN:
            raise RegisterError(f"Decision {number} is already {_state(decision)}.")
        resolved = await self.repository.resolve(decision, status, actor.user_id, now)
        if resolved is None:
            raise RegisterError(f"Decision {number} changed just now: see /decision {number}.")
        return resolved

    async def history(
        self, scope: ChatScope, subject: str, number: int | None = None
    ) -> list[CharterEvent]:
        """Every change to goal or decision ``number`` (``subject``), or to the roles."""
        if subject == "role":
            return await self.repository.history(scope.chat_id, "role")
        found = (
            await self.goal(scope, number or 0)
            if subject == "goal"
            else await self.decision(scope, number or 0)
        )
        subject_id = found.goal_id if isinstance(found, Goal) else found.decision_id
        return await self.repository.history(scope.chat_id, subject, subject_id)

    async def all_history(self, scope: ChatScope) -> list[CharterEvent]:
        """Every change to the chat's goals, roles and decisions, oldest first (/export)."""
        return await self.repository.history(scope.chat_id)

    async def digest(
        self, chat_id: int, zone: ZoneInfo, now: datetime, since: datetime | None
    ) -> CharterDigest:
        """What the chat's digest opens with (see :class:`CharterDigest`)."""
        scope = ChatScope(chat_id, "", zone)
        decided = await self.repository.decisions(chat_id, since=since)
        flagged = [
            d
            for d in await self.repository.decisions(chat_id, status=DecisionStatus.OPEN)
            if d.flagged
        ]
        return CharterDigest(
            tuple(await self.progress(scope, now, since)),
            tuple(d for d in decided if d.status is not DecisionStatus.WITHDRAWN),
            tuple(flagged),
        )


def _state(decision: Decision) -> str:
    return "open" if decision.status is DecisionStatus.OPEN else decision.status.value


def _text(text: str, what: str) -> str:
    cleaned = clean_text(text)
    if not cleaned:
        raise UsageError(f"Say what the {what} is.")
    if len(cleaned) > MAX_CHARTER_TEXT:
        raise UsageError(
            f"That {what} is {len(cleaned)} characters long; keep it to {MAX_CHARTER_TEXT}."
        )
    return cleaned


def _still_open(goal: Goal | None, number: int) -> Goal:
    if goal is None:
        raise RegisterError(f"Goal {number} was closed just now. See /goals.")
    return goal


# Words that say nothing about which decision is meant ("about the venue for our fair").
_LITTLE_WORDS = "a an the our of for to at on in about re with and or"


def _stem(word: str) -> str:
    """ "chairs" and "chair", "leads" and "lead" alike (a role's name or a verb)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _progress(
    goal: Goal, actions: list[Action], zone: ZoneInfo, now: datetime, since: datetime | None
) -> GoalProgress:
    linked = [a for a in actions if a.goal_id == goal.goal_id and a.status is not Status.DROPPED]
    done = [a for a in linked if a.status is Status.DONE]
    still_open = [a for a in linked if not a.status.closed]
    return GoalProgress(
        goal,
        done=len(done),
        open=len(still_open),
        overdue=sum(a.is_overdue(now, zone) for a in still_open),
        done_since=sum(
            a.closed_at is not None and (since is None or a.closed_at > since) for a in done
        ),
    )
