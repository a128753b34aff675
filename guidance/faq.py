"""Each partnership's own answers: /faq entries kept per group, checked and limited, and
matched with the same retrieval as the knowledge base, only where they belong.

A group's entries are ranked together with the knowledge base (so scores mean what they
mean there and the same confidence rule applies); a confident FAQ entry among the
closest wins over the general answer. The ranking is cached per set of groups and
rebuilt when an entry changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from domain.faq import MAX_FAQ_ANSWER, MAX_FAQ_ENTRIES, MAX_FAQ_QUESTION, FaqEntry, FaqEvent
from domain.model import Actor, ChatScope
from guidance.asking import LOCAL_FACT_WORDS, normalise, question_word
from guidance.knowledge import Entry, KnowledgeBase
from guidance.retrieval import Retriever
from register.matching import stems
from register.parsing import UsageError
from register.service import Register, RegisterError
from register.text import clean_text
from register.usage import usage_text
from storage.faq import FaqRepository
from storage.lru import LruDict

FAQ_CATEGORY = "faq"
RETRIEVERS_CACHED = 200  # groups (or a member's set of groups) whose ranking is kept
# A FAQ entry answers a question close to its own question as a whole (_Ranking._closeness):
# a word at least this distinctive (idf) in the question and not in the FAQ's question
# names another thing ("health" 1.8 of "health board" against "foodbank"); "board" (1.2)
# and "partnership" are too common to.
DISTINCTIVE = 1.5
MIN_ASKED_HELD = 0.7  # idf-weighted share of the question's words in the FAQ's question
MIN_FAQ_HELD = 0.75  # and of the FAQ's in the question (unless it asks the same local fact)
MIN_KEYLESS_HELD = 0.6  # without the FAQ's most distinctive word, how much else it needs
# The partnership's own bodies: "how often do we meet" asks "How often does the steering
# group meet?", "we" being the group (stems, as the retrieval's tokens are).
_OWN_BODIES = frozenset("board steer group committe partnership forum exec execut panel".split())
_GATHERINGS = _OWN_BODIES | {"meet"}  # its bodies and their meetings
# Verbs of asking where a thing is: "where do we keep the minutes" and "Where are the
# board minutes kept?" ask the same (stems, as the retrieval's tokens are).
_FORM_WORDS = frozenset("keep kept store stored locat held hold find found".split())
# Words of when, not of what: "when do we meet next" asks "When does the steering group
# meet?" (stems, as the retrieval's tokens are).
_WHEN_WORDS = frozenset("next last upcom soon".split())
_OURS = re.compile(r"\b(?:we|our|us|ours)\b", re.IGNORECASE)
# "who should be the IG lead for a partnership project?" asks who ought to hold a post in
# general (guidance), not who holds it here ("Who is our IG lead?").
_WHO_IN_GENERAL = re.compile(
    r"^\s*who\s+(?:should|ought to|is supposed to|is meant to)\s+be\b(?!.*\b(?:our|we|us)\b)",
    re.IGNORECASE,
)
# "what is VCSE?", "what does VCSE stand for?": the FAQ question "VCSE" asked in a sentence.
_DEFINED = re.compile(
    r"^\s*(?:what\s+(?:is|are|does|do)\s+(?:an?\s+|the\s+)?)?(?P<term>.+?)"
    r"(?:\s+(?:mean|means|stand for|stands for))?\s*$",
    re.IGNORECASE,
)


# "what is a DPIA", "what's the steering group for": what a thing is or is for (not
# "what's the carers project budget", a local fact), which a
# FAQ asking who, where or when about it does not answer (trial 10j: "Who signs off a DPIA
# for us?" came, a name for a definition); a FAQ asking what something is may.
_DEFINITION = re.compile(
    r"^\s*(?:what\s*(?:'s|’s|s|\s+is|\s+are)\s+(?:an?\s+(?:[\w-]+\s+){0,3}?[\w-]+(?:\s+for)?"
    r"|(?:the\s+)?(?:[\w-]+\s+){0,3}?[\w-]+\s+for)"
    r"|what\s+(?:does|do)\s+.+\s+(?:mean|stand\s+for))\s*[?!.]*\s*$",
    re.IGNORECASE,
)


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
        """The FAQ entry of these groups that answers ``question``, if any."""
        found = await self.answers(chat_ids, question)
        return found[0] if found else None

    async def answers(self, chat_ids: Sequence[int], question: str) -> list[FaqEntry]:
        """The entry of each of these groups that answers ``question``, closest first:
        asked in private, each of the person's groups may have its own answer."""
        entries = await self.repository.in_chats(chat_ids)
        if not entries:
            return []
        return self._ranking(chat_ids, entries).answers(question)

    async def nearest(self, chat_ids: Sequence[int], question: str) -> FaqEntry | None:
        """The entry closest to ``question`` without asking it, to offer as "did you
        mean"; None when none shares a distinctive word with it."""
        entries = await self.repository.in_chats(chat_ids)
        return self._ranking(chat_ids, entries).nearest(question) if entries else None

    def _ranking(self, chat_ids: Sequence[int], entries: list[FaqEntry]) -> _Ranking:
        """These groups' entries ranked with the knowledge base, cached per version."""
        key = tuple(sorted(chat_ids))
        # the entries whole: an edit within the same second (a frozen clock, two quick
        # edits) changed the answer but not updated_at, and the old answer was served
        version = tuple(entries)
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
    """Some groups' FAQ entries, each compared with a question as a whole question (the
    knowledge base's tokens, synonyms, acronyms and idf, the FAQs' words counted in)."""

    def __init__(self, knowledge: KnowledgeBase, entries: list[FaqEntry]) -> None:
        self._faq = {_entry_id(e): e for e in entries}
        combined = dict(knowledge.entries)
        combined.update((_entry_id(e), _as_entry(e)) for e in entries)
        self._retriever = Retriever(
            KnowledgeBase(
                combined, knowledge.synonyms, knowledge.general_question, knowledge.acronyms
            )
        )
        self._acronyms = frozenset(knowledge.acronyms)
        self._acronym_stems = stems(" ".join(knowledge.acronyms))
        self._questions = [(e, self._tokens(e.question)) for e in entries]

    def ask(self, question: str) -> FaqEntry | None:
        """The closest entry asking ``question``, if any."""
        found = self.answers(question)
        return found[0] if found else None

    def answers(self, question: str) -> list[FaqEntry]:
        """Every entry asking ``question``, closest first, at most one per group."""
        return self._closest(question)

    def nearest(self, question: str) -> FaqEntry | None:
        """The entry asked the same way (who, where, when…) sharing the most of the
        question's distinctive words: a guess, not an answer."""
        question = normalise(question)
        asked = [word for word in self._tokens(question) if self._weight(word) >= DISTINCTIVE]
        kind = question_word(question)
        best: tuple[float, FaqEntry] | None = None
        for entry, theirs in self._questions:
            if question_word(entry.question) not in (kind, None) or not theirs:
                continue
            pool = frozenset().union(*theirs)
            shared = sum(self._weight(word) for word in asked if word & pool)
            if shared and (best is None or shared > best[0]):
                best = (shared, entry)
        return best[1] if best else None

    def matching(self, question: str) -> FaqEntry | None:
        """The entry a new FAQ question asks again: the one that already answers it."""
        return self.ask(question)

    def _closest(self, question: str) -> list[FaqEntry]:
        question = normalise(question)
        if _WHO_IN_GENERAL.match(question):
            return []
        asked = self._tokens(question)
        said = {_words(question), _words(_DEFINED.sub(r"\g<term>", question))} - {()}
        ours = bool(_OURS.search(question))
        said_stems = stems(question)
        # "DPIA" alone asks what one is, as "what is a DPIA" does
        defining = bool(_DEFINITION.match(question)) or (
            bool(said_stems) and said_stems <= self._acronym_stems
        )
        scored = []
        for entry, theirs in self._questions:
            if _words(entry.question) in said:  # "VCSE", whatever its words are
                scored.append((2.0, entry))
                continue
            if defining and not _DEFINITION.match(normalise(entry.question)):
                continue
            closeness = self._closeness(question, asked, ours, entry.question, theirs)
            if closeness is not None:
                scored.append((closeness, entry))
        scored.sort(key=lambda pair: (-pair[0], pair[1].chat_id, pair[1].number))
        seen: set[int] = set()
        best = []
        for _, entry in scored:
            if entry.chat_id not in seen:
                seen.add(entry.chat_id)
                best.append(entry)
        return best

    def _closeness(
        self,
        question: str,
        asked: list[frozenset[str]],
        ours: bool,
        faq_question: str,
        theirs: list[frozenset[str]],
    ) -> float | None:
        """How close ``question`` is to a FAQ question as a whole, or None when it asks
        something else. It must hold (idf-weighted) most of its own distinctive words in
        the FAQ's and name no distinctive thing the FAQ doesn't ("health board" is not
        "foodbank"); the FAQ's most distinctive word (its local thing: "foodbank",
        "carers", "minutes") must be in it, or most of the FAQ's words; and it must hold
        most of the FAQ's words, where the partnership's own bodies ("board", "steering
        group") are held by "we"/"our", unless it asks the same local fact (who, where,
        when) as the FAQ: "where can i park" asks "Where do we park at the Civic Centre?"."""
        if not theirs or not asked:
            return None
        pool = frozenset().union(*theirs)
        weight = self._weight
        # "the minutes from today's meeting" asks "Where are the board minutes kept?": a
        # meeting or body of the partnership's stands for the one the FAQ names
        bodies = bool(pool & _GATHERINGS)
        outside = [
            word for word in asked if not word & pool and not (bodies and word & _GATHERINGS)
        ]
        if any(weight(word) >= DISTINCTIVE for word in outside):
            return None
        total = sum(weight(word) for word in asked)
        held_asked = 1 - sum(weight(word) for word in outside) / total if total else 0.0
        if held_asked < MIN_ASKED_HELD:
            return None
        present = frozenset().union(*asked)
        held = [bool(word & present) or (ours and bool(word & _OWN_BODIES)) for word in theirs]
        weights = [weight(word) for word in theirs]
        held_theirs = sum(w for w, h in zip(weights, held, strict=True) if h) / sum(weights)
        top = max(weights)
        key_held = any(h for w, h in zip(weights, held, strict=True) if w >= top - 0.01)
        kind = question_word(question)
        same_fact = kind in LOCAL_FACT_WORDS and kind == question_word(faq_question)
        # "volunteer expenses?", "mileage": a bare phrase of nothing but the FAQ's words,
        # its key word among them, asks it in fewer words ("how do we set up a carers
        # project" asks its own question, not "What is the budget for the carers project?")
        fewer_words = (
            kind is None
            and held_asked == 1.0
            and key_held
            and self._in_so_many_words(question, faq_question)
        )
        # the same local fact asked in fewer words ("where can i park") needs no more of
        # the FAQ's: which of its words is rarest shifts as the knowledge base grows
        if not key_held and held_theirs < MIN_KEYLESS_HELD and not same_fact:
            return None
        if held_theirs < MIN_FAQ_HELD and not same_fact and not fewer_words:
            return None
        return held_asked * held_theirs

    def _in_so_many_words(self, question: str, faq_question: str) -> bool:
        """Whether each of a bare phrase's words is the FAQ's own, in any form ("volunteer
        expense?"), not one its acronym spells out or a synonym ("impact" is not "Who
        signs off a DPIA for us?"), and the phrase is not only acronyms the guidance
        explains ("DPIA" alone asks what one is)."""
        words = stems(question) - _LITTLE
        if not words or words <= self._acronym_stems:
            return False
        return words <= stems(faq_question)

    def _tokens(self, text: str) -> list[frozenset[str]]:
        """The content words a FAQ comparison weighs: not the verbs of asking where a
        thing is ("kept", "stored"), which every such question words its own way, nor an
        acronym, whose spelt-out words follow it."""
        spelt = self._acronyms  # "ig" is compared by its words, "information governance"
        return [
            word
            for word in self._retriever.content_tokens(normalise(text))
            if not word & _FORM_WORDS and not word & _WHEN_WORDS and not word & spelt
        ]

    def _weight(self, word: frozenset[str]) -> float:
        """How distinctive a word is: its rarest token's idf over the knowledge base and
        the FAQs (a word nothing else holds, the most)."""
        idf = self._retriever.idf  # the retrieval's own measure, not a copy of it
        return max(idf(token) for token in word)


_LITTLE = stems("a an the of for to our we us is are do does")


def _words(text: str) -> tuple[str, ...]:
    """``text``'s words, lower case, without punctuation: a question said the same way."""
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


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
