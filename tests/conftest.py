"""Shared fixtures: settings on a temporary database, the in-memory world, a running app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from app.builder import build_application
from app.clock import FrozenClock
from app.lifecycle import feed, running
from config.settings import Settings, load_settings
from console.cast import Cast, seed_world
from guidance import semantic
from guidance.knowledge import load_knowledge
from localapi.request import WorldRequest
from localapi.world import SimChat, World
from tests.helpers import introduce
from tests.pgcluster import Cluster

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_backends`` that open a database run once per backend."""
    marked = metafunc.definition.get_closest_marker("both_backends")
    if marked and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def semantic_layer() -> None:
    """Guidance's semantic layer loaded once for the run, before any test: the bot loads
    it in the background, so without waiting an answer would depend on timing."""
    semantic.start(load_knowledge())
    assert semantic.wait(timeout=120), "the semantic layer failed to load"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the whole run, started on first use."""
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The backend: "sqlite" unless a test is parametrised with ``tests.helpers.BOTH_BACKENDS``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def new_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[str], Path | str]:
    """Where to open a fresh database on the test's backend: ``new_database("a")`` is a
    new SQLite file, or a new PostgreSQL database (migrated) named after nothing."""
    if backend == "postgres":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        return lambda name: cluster.new_database()
    return lambda name: tmp_path / f"{name}.sqlite3"


@pytest.fixture
def settings(
    tmp_path: Path, request: pytest.FixtureRequest, new_database: Callable[[str], Path | str]
) -> Settings:
    """Settings on a fresh database (on the test's backend); a module or test changes
    others with ``pytest.mark.settings(WRITE_BURST="50")`` (say, to fill a register fast)."""
    marker = request.node.get_closest_marker("settings")
    extra = marker.kwargs if marker else {}
    target = new_database("accord")
    where = {"DATABASE_URL": target} if isinstance(target, str) else {}
    return load_settings(
        {"DATABASE_PATH": str(tmp_path / "accord.sqlite3"), **where, **extra}, env_file=None
    )


@pytest.fixture
def world() -> World:
    return World(queue_updates=False)


@pytest.fixture
def cast(world: World) -> Cast:
    return seed_world(world)


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> FrozenClock:
    """Stopped at ``START``, or where a test or module says with ``pytest.mark.now(moment)``
    (say, the day an issue's dates were read on)."""
    marker = request.node.get_closest_marker("now")
    return FrozenClock(marker.args[0] if marker else START)


@pytest.fixture
async def app(
    settings: Settings, world: World, cast: Cast, clock: FrozenClock
) -> AsyncIterator[Application]:
    """The real Application, its Bot API answered by the world, groups already joined."""
    request = WorldRequest(world)
    application = build_application(
        settings, clock=clock, request=request, get_updates_request=request, scheduled_jobs=False
    )
    async with running(application):
        for chat in cast.groups.values():
            creator = next(uid for uid, s in chat.members.items() if s == "creator")
            await feed(application, world.add_bot_to(chat, world.people[creator]))
        yield application


@pytest.fixture
async def group(app: Application, world: World, cast: Cast) -> SimChat:
    """The "partners" group, where each of its four people has written once (so Accord
    knows their @names): Alice created it, Bob is an admin, Carol and Dave are members."""
    chat = cast.groups["partners"]
    await introduce(app, world, chat, *(world.people[i] for i in (101, 102, 103, 104)))
    return chat


@pytest.fixture
async def groups(app: Application, world: World, cast: Cast) -> tuple[SimChat, SimChat]:
    """Partners (Alice coordinates, all four have written) and Steering (Carol
    coordinates; Alice and Carol have written), with transport retries at once."""
    app.bot.request.first_delay = 0.0
    partners, steering = cast.groups["partners"], cast.groups["steering"]
    await introduce(app, world, partners, *(world.people[i] for i in (101, 102, 103, 104)))
    await introduce(app, world, steering, world.people[101], world.people[103])
    return partners, steering
