"""Each partnership's own answers: /faq entries kept per group, checked and limited, and
matched with the same retrieval as the knowledge base, only where they belong.

A group's entries are ranked together with the knowledge base (so scores mean what they
mean there and the same confidence rule applies); a confident FAQ entry among the
closest wins over the general answer. The ranking is cached per set of groups and
rebuilt when an entry changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.faq import MAX_FAQ_ANSWER, MAX_FAQ_ENTRIES, MAX_FAQ_QUESTION, FaqEntry, FaqEvent
from domain.model import Actor, ChatScope
from guidance.asking import LOCAL_FACT_WORDS, normalise, question_word
from guidance.knowledge import Entry, KnowledgeBase
from guidance.retrieval import MIN_COVERAGE, Retriever
from register.parsing import UsageError
from register.service import Register, RegisterError
from register.text import clean_text
from register.usage import usage_text
from storage.faq import FaqRepository
from storage.lru import LruDict

FAQ_CATEGORY = "faq"
RETRIEVERS_CACHED = 200  # groups (or a member's set of groups) whose ranking is kept
CANDIDATES = 5  # how far down the closest entries a confident FAQ entry is looked for
# A FAQ entry is one question a coordinator wrote for their own partnership, so a question
# close to it is usually about that: it keeps the knowledge base's threshold from before
# the guidance entries were broadened (issue 10), which raised theirs.
FAQ_MIN_CONFIDENCE = 1.2
# How much a FAQ entry must outscore a confident general answer to be given instead.
FAQ_MARGIN = 1.25
# The share of a FAQ question's distinctive words a question must hold (and of its own
# the FAQ's question must hold) to be asking it: "whens the next board" holds two of
# "next board meeting"; "who is on the board" one.
MIN_FAQ_WORDS = 0.5


def parse_pair(text: str, command: str = "faq add") -> tuple[str, str]:
    """``<question> | <answer>``, cleaned and within the limits; ``UsageError`` saying
    what to send otherwise."""
    question, bar, answer = text.partition("|")
    question, answer = clean_text(question), clean_text(answer, keep_newlines=True)
    if not bar or not question or not answer:
        raise UsageError(
            f"Put a | between the question and its answer: /{command} "
            f"{'<n> ' if command == 'faq edit' else ''}<question> | <answer>\n" + usage_text("faq")
        )
    if len(question) > MAX_FAQ_QUESTION:
        raise UsageError(
            f"That question is {len(question)} characters long; keep it to {MAX_FAQ_QUESTION}."
        )
    if len(answer) > MAX_FAQ_ANSWER:
        raise UsageError(
            f"That answer is {len(answer)} characters long; keep it to {MAX_FAQ_ANSWER}."
        )
    return question, answer


class Faq:
    """A group's FAQ: coordinators change it, anyone lists it and gets its answers."""

    def __init__(self, repository: FaqRepository, knowledge: KnowledgeBase) -> None:
        self.repository = repository
        self._knowledge = knowledge
        self._rankings: LruDict[tuple[int, ...], tuple[tuple[object, ...], _Ranking]] = LruDict(
            RETRIEVERS_CACHED
        )

    async def add(
        self,
        scope: ChatScope,
        actor: Actor,
        question: str,
        answer: str,
        now: datetime,
        answered: int | None = None,
        confirmed: bool = False,
    ) -> FaqEntry:
        """Add an entry (coordinators); ``answered``: the /unanswered question it answers.
        One asking what an entry already asks is refused (``SameQuestionError``) unless
        ``confirmed``: two answers to one question would contradict each other."""
        Register.require_coordinator(actor, "add to this partnership's FAQ")
        entries = await self.repository.in_chat(scope.chat_id)
        if not confirmed:
            same = self.same_as(entries, scope.chat_id, question)
            if same is not None:
                raise SameQuestionError(same)
        if len(entries) >= MAX_FAQ_ENTRIES:
            raise RegisterError(
                f"This partnership's FAQ holds {MAX_FAQ_ENTRIES} answers, its most. "
                "Remove one first (/faq remove <n>), or edit one (/faq edit <n> …)."
            )
        return await self.repository.add(
            scope.chat_id, question, answer, _who(actor), now, answered
        )

    async def edit(
        self, scope: ChatScope, actor: Actor, number: int, question: str, answer: str,
        now: datetime,
    ) -> FaqEntry:  # fmt: skip
        """Change entry ``number`` (coordinators); the old text stays in its history."""
        Register.require_coordinator(actor, "change this partnership's FAQ")
        entry = await self.repository.edit(
            scope.chat_id, number, question, answer, _who(actor), now
        )
        return entry or _missing(number)

    async def remove(self, scope: ChatScope, actor: Actor, number: int, now: datetime) -> FaqEntry:
        """Take entry ``number`` out (coordinators); its number is not used again."""
        Register.require_coordinator(actor, "change this partnership's FAQ")
        entry = await self.repository.remove(scope.chat_id, number, _who(actor), now)
        return entry or _missing(number)

    async def entries(self, chat_id: int) -> list[FaqEntry]:
        """The group's current entries, in number order."""
        return await self.repository.in_chat(chat_id)

    async def history(self, chat_id: int) -> list[FaqEvent]:
        """Every change to the group's FAQ, oldest first."""
        return await self.repository.history(chat_id)

    async def unanswered(self, scope: ChatScope, actor: Actor, question_id: int) -> str:
        """The text of an /unanswered question a coordinator is about to answer."""
        Register.require_coordinator(actor, "answer questions for this partnership's FAQ")
        text = await self.repository.unanswered_question(scope.chat_id, question_id)
        if text is None:
            raise RegisterError(
                "That question is no longer in /unanswered here (answered or dropped)."
            )
        return text

    async def dismiss(self, scope: ChatScope, actor: Actor, question_id: int, now: datetime) -> str:
        """Take an off-topic question out of /unanswered (coordinators), recorded."""
        Register.require_coordinator(actor, "dismiss questions from /unanswered")
        text = await self.repository.dismiss(scope.chat_id, question_id, _who(actor), now)
        if text is None:
            raise RegisterError(
                "That question is no longer in /unanswered here (answered or dismissed)."
            )
        return text

    def same_as(self, entries: list[FaqEntry], chat_id: int, question: str) -> FaqEntry | None:
        """The entry of ``entries`` (a group's) that ``question`` asks again, if any."""
        return self._ranking([chat_id], entries).matching(question) if entries else None

    async def unanswered_id(self, chat_id: int, text: str) -> int | None:
        """The id of the /unanswered question with this text, while it is listed."""
        return await self.repository.unanswered_id(chat_id, text)

    async def answer(self, chat_ids: Sequence[int], question: str) -> FaqEntry | None:
        """The FAQ entry of these groups that confidently answers ``question``, if any."""
        entries = await self.repository.in_chats(chat_ids)
        if not entries:
            return None
        return self._ranking(chat_ids, entries).ask(question)

    def _ranking(self, chat_ids: Sequence[int], entries: list[FaqEntry]) -> _Ranking:
        """These groups' entries ranked with the knowledge base, cached per version."""
        key = tuple(sorted(chat_ids))
        version = tuple((e.chat_id, e.number, e.updated_at) for e in entries)
        cached = self._rankings.get(key)
        if cached is None or cached[0] != version:
            cached = (version, _Ranking(self._knowledge, entries))
            self._rankings[key] = cached
        return cached[1]


class SameQuestionError(RegisterError):
    """A new FAQ question asks what entry ``entry`` already asks."""

    def __init__(self, entry: FaqEntry) -> None:
        super().__init__(
            f"#{entry.number} looks like the same question: “{entry.question}”. To change "
            f"its answer: /faq edit {entry.number} <question> | <answer>"
        )
        self.entry = entry


class _Ranking:
    """The knowledge base and some groups' FAQ entries, ranked together."""

    def __init__(self, knowledge: KnowledgeBase, entries: list[FaqEntry]) -> None:
        self._faq = {_entry_id(e): e for e in entries}
        combined = dict(knowledge.entries)
        combined.update((_entry_id(e), _as_entry(e)) for e in entries)
        self._retriever = Retriever(
            KnowledgeBase(
                combined, knowledge.synonyms, knowledge.general_question, knowledge.acronyms
            )
        )

    def ask(self, question: str) -> FaqEntry | None:
        question = normalise(question)
        result = self._retriever.ask(question, limit=CANDIDATES)
        if result.coverage < MIN_COVERAGE:
            return None
        for match in result.candidates:
            if match.score * result.coverage < FAQ_MIN_CONFIDENCE:
                return None
            if match.entry.category != FAQ_CATEGORY:
                continue
            entry = self._faq[match.entry.id]
            if not self._asks(question, entry.question):
                return None
            best, asked = result.best, question_word(question)
            local = asked in LOCAL_FACT_WORDS and asked == question_word(entry.question)
            # General guidance is confident: the FAQ must beat it clearly, unless the
            # question asks the FAQ's own local fact (who, where, when), which general
            # guidance can't know.
            if (
                best is not None
                and best.entry.category != FAQ_CATEGORY
                and not local
                and match.score < FAQ_MARGIN * best.score
            ):
                return None
            return entry
        return None

    def matching(self, question: str) -> FaqEntry | None:
        """The entry a new FAQ question asks again: the one that already answers it."""
        return self.ask(question)

    def _asks(self, question: str, faq_question: str) -> bool:
        """Whether ``question`` asks what ``faq_question`` does, not merely shares a word
        with it: the FAQ's distinctive words mostly in it and its own mostly in the FAQ's;
        asked with another question word ("how often should the board meet" of "when is
        the next board meeting?"), only when every one of the FAQ's words is there ("how
        do I book the community hall" of "where do we book the community hall?")."""
        asked = self._retriever.content_tokens(question)
        theirs = self._retriever.content_tokens(faq_question)
        if _share(asked, theirs) < MIN_FAQ_WORDS:
            return False
        held = _share(theirs, asked)
        if _same_kind(question_word(question), question_word(faq_question)):
            return held >= MIN_FAQ_WORDS
        return held == 1.0


def _share(words: list[frozenset[str]], others: list[frozenset[str]]) -> float:
    """The share of ``words`` (each a stem and its synonym group) found among ``others``."""
    if not words:
        return 0.0
    pool = frozenset().union(*others)
    return sum(bool(word & pool) for word in words) / len(words)


def _same_kind(asked: str | None, faq: str | None) -> bool:
    """A FAQ asked "when/where/who" answers questions asked the same way, or with no
    question word; another FAQ, questions asked with any."""
    return faq not in LOCAL_FACT_WORDS or asked in (None, faq)


def _entry_id(entry: FaqEntry) -> str:
    return f"faq:{entry.chat_id}:{entry.number}"


def _as_entry(entry: FaqEntry) -> Entry:
    """A FAQ entry as the retrieval reads one: its question is title and example, and its
    answer is left out (shown from the FAQ, never matched): words in a careless answer
    must not pull unrelated questions to it."""
    return Entry(
        id=_entry_id(entry), category=FAQ_CATEGORY, title=entry.question, answer="",
        source="", tags=(), questions=(entry.question,), related=(), remedies=(), seed=(),
    )  # fmt: skip


def _who(actor: Actor) -> tuple[int | None, str]:
    """Who made a change, for its history: no person stands behind an anonymous post."""
    return (None if actor.posting_as else actor.user_id), actor.name


def _missing(number: int) -> FaqEntry:
    raise RegisterError(f"This partnership's FAQ has no #{number}. /faq lists its answers.")
