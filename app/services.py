"""What handlers need besides the update: settings, the clock and the repositories."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from app.clock import Clock
from app.metrics import Metrics
from app.outage import DatabaseOutage
from app.reachability import TelegramHealth
from app.throttle import Throttle
from charter.service import Charter
from config.settings import Settings
from guidance import semantic
from guidance.compiled import load_retriever
from guidance.faq import Faq
from guidance.retrieval import Retriever
from health.service import HealthChecks
from nudges.engine import NudgeEngine
from register.dates import warm_up
from register.service import Register
from storage.actions import ActionRepository
from storage.charter import CharterRepository
from storage.chats import ChatRepository
from storage.choices import PendingChoices
from storage.database import Database
from storage.faq import FaqRepository
from storage.guidance import GuidanceRepository
from storage.handled import HandledMessages, HandledUpdates
from storage.health import HealthRepository
from storage.nudges import ScheduleRepository
from storage.partners import CoordinatorRepository, PartnerRepository
from storage.people import PeopleRepository

T = TypeVar("T")
# How long a question waits for the semantic layer while it loads (about 2 s); past it,
# the question is answered on its words alone.
SEMANTIC_WAIT = 10.0


class Services:
    """The application's settings, clock and (once opened) database and repositories."""

    def __init__(self, settings: Settings, clock: Clock, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.throttle = Throttle(settings.write_burst, settings.write_rate_per_minute)
        self.telegram = TelegramHealth()  # Bot API answers, for /healthz and the log
        self.outage = DatabaseOutage(
            webhook=bool(settings.telegram_webhook_url), metrics=self.metrics
        )
        self._database: Database | None = None
        self._chats: ChatRepository | None = None
        self._people: PeopleRepository | None = None
        self._coordinators: CoordinatorRepository | None = None
        self._register: Register | None = None
        self._guidance: GuidanceRepository | None = None
        self._retriever: Retriever | None = None
        self._faq: Faq | None = None
        self._nudges: NudgeEngine | None = None
        self._handled: HandledMessages | None = None
        self._handled_updates: HandledUpdates | None = None
        self._choices: PendingChoices | None = None
        self._health: HealthChecks | None = None
        self._charter: Charter | None = None

    async def open(self) -> None:
        """Open the database (migrating it) and create the repositories."""
        if self._database is None:
            self._database = await Database.open(self.settings.database)
            self._chats = ChatRepository(self._database)
            self._people = PeopleRepository(self._database)
            self._coordinators = CoordinatorRepository(self._database)
            self._register = Register(
                ActionRepository(self._database),
                PartnerRepository(self._database),
                self._coordinators,
                self._people,
                self.settings.max_open_actions,
                self.settings.zone,
            )
            self._guidance = GuidanceRepository(self._database)
            self._handled = HandledMessages(self._database)
            self._handled_updates = HandledUpdates(self._database)
            self._choices = PendingChoices(self._database)
            self._health = HealthChecks(HealthRepository(self._database), self._people)
            self._charter = Charter(CharterRepository(self._database), self._register)
            self._nudges = NudgeEngine(
                self._chats,
                ScheduleRepository(self._database),
                self._register.actions,
                self._people,
                self.settings.default_timezone,
                charter=self._charter.digest,
                metrics=self.metrics,
            )
        if self._retriever is None:
            self._retriever = load_retriever()
            # The semantic layer loads in the background (about 2 s): lexical answers
            # until then, so start-up doesn't wait for it.
            semantic.start(self._retriever.knowledge)
            # Off the event loop: loading dateparser's data on a user's first odd date
            # would stall every chat for a fraction of a second.
            await asyncio.to_thread(warm_up)
        if self._faq is None:
            self._faq = Faq(FaqRepository(self._database), self._retriever.knowledge)

    async def close(self) -> None:
        """Close the database if it is open."""
        if self._database is not None:
            await self._database.close()
            self._database = self._chats = self._people = None
            self._coordinators = self._register = self._guidance = self._nudges = None
            self._handled = self._handled_updates = None
            self._choices = None
            self._faq = None
            self._health = None
            self._charter = None

    @property
    def is_open(self) -> bool:
        """Whether the database has been opened (start-up has got that far)."""
        return self._database is not None

    @property
    def database(self) -> Database:
        """The open database."""
        return _opened(self._database)

    @property
    def chats(self) -> ChatRepository:
        """Chats the bot is in."""
        return _opened(self._chats)

    @property
    def people(self) -> PeopleRepository:
        """People the bot has seen."""
        return _opened(self._people)

    @property
    def coordinators(self) -> CoordinatorRepository:
        """Coordinators named in each chat."""
        return _opened(self._coordinators)

    @property
    def register(self) -> Register:
        """The responsibility register."""
        return _opened(self._register)

    @property
    def guidance(self) -> GuidanceRepository:
        """Unanswered questions and feedback."""
        return _opened(self._guidance)

    @property
    def nudges(self) -> NudgeEngine:
        """The nudge engine: schedules, digests, check-ins, reminders."""
        return _opened(self._nudges)

    @property
    def handled(self) -> HandledMessages:
        """Messages already acted on (redelivered updates act once)."""
        return _opened(self._handled)

    @property
    def handled_updates(self) -> HandledUpdates:
        """Update ids handled to their end (several instances handle each once)."""
        return _opened(self._handled_updates)

    @property
    def choices(self) -> PendingChoices:
        """Questions waiting for a button press (an owner to choose)."""
        return _opened(self._choices)

    @property
    def faq(self) -> Faq:
        """Each partnership's own answers (/faq)."""
        return _opened(self._faq)

    @property
    def health(self) -> HealthChecks:
        """Health-check rounds, anonymous answers and their aggregates."""
        return _opened(self._health)

    @property
    def charter(self) -> Charter:
        """The partnership's goals, roles and decisions."""
        return _opened(self._charter)

    @property
    def retriever(self) -> Retriever:
        """Answers questions from the knowledge base."""
        return _opened(self._retriever)

    async def guidance_ready(self) -> None:
        """Wait (off the event loop, at most ``SEMANTIC_WAIT`` seconds) for the semantic
        layer still loading, so a question asked just after start-up is decided as every
        later one is, and as ``bot.py ask`` decides it; a layer that failed doesn't wait."""
        if not semantic.is_ready():
            await asyncio.to_thread(semantic.wait, SEMANTIC_WAIT)


def _opened(value: T | None) -> T:
    if value is None:
        raise RuntimeError("the database is not open: Services.open() runs in post_init")
    return value
