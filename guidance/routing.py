"""Questions about this chat's own register ("who is responsible for the funding bid?",
"what do I own?", "what is overdue?") are answered from the register, not the guidance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidance.asking import normalise

_WHO = re.compile(
    r"^\s*who(?:'s|s| is| are)?\s+"
    r"(?:responsible|accountable|in charge|on the hook|doing|handling|owns?|owning|leading"
    r"|looking after"
    r"|working on|on|got|has|took|taking|writing|drafting|sorting|organising|arranging"
    r"|booking|chasing|picked up|picking up|took on|signing off|signing|sending|preparing"
    r"|dealing with|sorting out|following up"
    r"|collating|circulating|updating|reviewing|pulling together|putting together|producing"
    # "who's meant to be sending out the newsletter": an action here, not a role in general
    r"|(?:meant|supposed|expected)\s+to\s+be\s+\w+ing(?:\s+(?:out|up|on))?"
    r")\b(?:\s+(?:for|of|on|with))?"
    r"\s*(?P<subject>.+)$",
    re.IGNORECASE,
)
_MINE = re.compile(
    r"\b(?:what|which)\b.*\b(?:do i own|am i (?:responsible for|doing|on|handling)|"
    r"have i got|on my plate|are my (?:actions|tasks))\b|^\s*my (?:actions|tasks)\b"
    r"|\b(?:actions?|tasks?)\b.*\b(?:assigned to|given to|for) me\b"
    # "anything outstanding for me?", "what did i sign up to last week"
    r"|\b(?:outstanding|open|pending|left)\s+(?:for|with)\s+me\b"
    r"|^\s*what\s+is\s+(?:still\s+|left\s+)?on\s+my\s+(?:list|to-?\s?do list|plate)\b"
    r"|^\s*what\b.*\b(?:did i|have i)\s+(?:sign(?:ed)? up|agree(?:d)?)\s+(?:to|for)\b",
    re.IGNORECASE,
)
# "who chairs?", "who is the chair?", "who is our data lead?": a role (see /roles).
_ROLE = re.compile(
    # "who's chairing us these days?": the role its verb names (see _ROLE_OF_VERB)
    # ("who's leading…" asks who leads an action: _WHO)
    r"^\s*who(?:'s|s| is)\s+(?P<verbing>chairing|coordinating|convening|facilitating|hosting)\b"
    r"|^\s*who(?:'s|s| is)\s+(?:the |our |a )?(?P<role>[^?]+)$"
    r"|^\s*who\s+(?P<verb>chairs|leads|convenes|facilitates|hosts|coordinates)\b"
    # "who does safeguarding?", "who looks after data?": a role named by what it covers
    r"|^\s*who\s+(?:does|covers|looks after)\s+(?:the |our )?(?P<does>[^?]+)$",
    re.IGNORECASE,
)
_ROLE_OF_VERB = {
    "chairing": "chair",
    "coordinating": "coordinator",
    "convening": "convenor",
    "facilitating": "facilitator",
    "hosting": "host",
}
# "Who is supposed to write the DPIA?", "who should chair?": what a role is for in
# general (guidance), not who holds an action here (the register).
_IN_GENERAL = re.compile(
    r"^\s*who\s+(?:(?:is|are)\s+)?(?:supposed|meant|expected|should|ought|normally|usually"
    r"|typically|generally)\b(?!\s+to\s+be\s+\w+ing\b)"
    # "who's on the hook if the project overspends": who carries a risk, not an action
    # "who's on the hook under gdpr if the charity loses data": a few words may come between
    r"|^\s*who\s+(?:is|are)\s+(?:on the hook|liable|left holding\b.*?|to blame|responsible"
    r"|accountable)(?:\s+(?!if\b|when\b)\S+){0,3}?\s+(?:if|when)\b"
    # "who owns what?", "who's accountable vs who does the work": roles in general
    r"|^\s*who\s+(?:(?:is|are)\s+)?(?:owns|does|is doing|(?:is\s+)?responsible for)"
    r"\s+what\b"
    r"|^\s*who\s+(?:(?:is|are)\s+)?(?:accountable|responsible)\s+(?:vs\.?|versus|and who)\b",
    re.IGNORECASE,
)
_OVERDUE = re.compile(
    r"\b(?:overdue|late|behind schedule|past due)\b"
    r"|\bbehind(?:\s+(?:on|with)(?:\s+(?:anything|any(?:\s+of)?\s+(?:their|his|her|its)?\s*actions?)"
    r")?)?\s*$",
    re.IGNORECASE,
)
# "who owns the personal data when three partners feed one case system?": data
# protection (who the controller is), not an action's owner.
_PERSONAL_DATA = re.compile(
    r"^(?!.*\b(?:audit|action|task|project|review|report|mapping|cleans\w*|migration|work)\b)"
    r".*?\b(?:personal|patients?'?|clients?'?|residents?'?"
    r"|service users?'?|people's|customers?'?|tenants?'?|families'?|children's)\s+"
    r"(?:data|information|info|records|details)\b"
    # "who owns the data in the shared referral spreadsheet" (trial 10i: an action came)
    r"|^\s*(?:the\s+|our\s+|this\s+)?(?:data|information|info|records)"
    r"(?:\s+(?:in|on|from|held|we|that|about|collected|shared)\b.*)?$",
    re.IGNORECASE,
)
_OVERDUE_QUESTION = re.compile(r"^\s*(?:what|which|anything|is anything|are any)\b", re.IGNORECASE)
# "What is HSCB responsible for?", "what does Bob own?", "which actions has the council got?"
# When, and from where, is said after: "at the minute", "on its plate from the action list".
_WHEN = (
    r"(?:\s+(?:on (?:the|our) (?:action list|register|list)|from (?:the|our) (?:action list|list)"
    r"|on (?:its|their|his|her|my) (?:plate|list|to-?\s?do list)|at the (?:moment|minute)"
    r"|right now|now|currently|atm|open|outstanding"
    r"|these days|this week|this month|so far|due(?: this week| this month)?))*"
)
_OWNS = re.compile(
    # "what does the fire service still need to do", not "what does a lead partner need
    # to do" (a role in general); first, or "need to" would be read as part of the name
    r"^\s*what\s+(?:does|do)\s+(?P<needs>(?!an?\s)(?!(?:the\s+)?partnership\b)(?:\S+\s+){0,3}?\S+)"
    r"\s+(?:still\s+)?(?:need|needs|has|have)\s+to\s+do" + _WHEN + r"$"
    r"|^\s*(?:what|which)\s+(?:(?:actions?|tasks?)\s+)?(?:is|are|does|do|has|have)\s+"
    r"(?P<subject>(?!an?\s)(?:\S+\s+){0,3}?\S+)\s+(?:responsible for|accountable for|"
    r"in charge of|on the hook for|owns?|owning|got|doing|do|handling|working on|on"
    # "what is Jas down for", "what has the ICB signed up to do"
    r"|down for|down to do|signed up (?:to|for)(?: do)?|agreed to do)" + _WHEN + r"$"
    # "(tell me) what Sandra owns", "what Bob is doing": the question asked inside another
    r"|^\s*what\s+(?P<embedded>(?!an?\s)(?:\S+\s+){0,3}?\S+)\s+(?:owns|is responsible for"
    r"|is accountable for|is in charge of|is doing|is handling|is working on|has got)"
    + _WHEN
    + r"$"
    # "what actions are on probation's name?", "what's on Stoke Homes' list of actions?"
    r"|^\s*what\s+(?:actions?|tasks?)\s+(?:is|are)\s+(?:on|under|against)\s+"
    r"(?P<named>.+?)(?:'s|')\s+name" + _WHEN + r"$"
    r"|^\s*what\s+is\s+on\s+(?P<listed>.+?)(?:'s|')\s+(?:list of actions|action list|list"
    r"|plate)" + _WHEN + r"$"
    # "what's still open for the police?"
    r"|^\s*what\s+is\s+(?:still\s+)?open\s+(?:for|with)\s+(?P<holder>.+)$"
    # "anything outstanding for probation?", "what's outstanding for the police from last month"
    r"|^\s*(?:what|which|anything|is\s+anything|is\s+there\s+anything)\s+(?:is\s+)?(?:still\s+)?"
    r"(?:outstanding|open|pending)\s+(?:for|with)\s+(?P<outstanding>.+?)"
    r"(?:\s+(?:from|since)\s+(?:the\s+)?last\s+\w+)?$"
    # "which actions are with the food bank?", not "which actions are on the agenda"
    r"|^\s*(?:what|which)\s+(?:actions?|tasks?)\s+(?:is|are)\s+(?:on|with)\s+"
    r"(?P<with>(?!(?:the|our|a)\s+(?:agenda|list|register|tracker|table|plan)\b)"
    r"(?!(?:agenda|list|register|tracker)\b).+)$"
    # "which actions belong to the food bank?"
    r"|^\s*(?:what|which)\s+(?:actions?|tasks?)\s+(?:belong|belongs|fall|falls)\s+to\s+"
    r"(?P<belong>.+)$"
    # "which actions does the food bank have open?", "what actions does priya have"
    r"|^\s*(?:what|which)\s+(?:actions?|tasks?)\s+(?:does|do|has|have)\s+"
    r"(?P<having>(?!an?\s)(?:\S+\s+){0,3}?\S+)\s+(?:have|got)" + _WHEN + r"$"
    # "what did we assign to probation at the last meeting?"
    r"|^\s*what\s+(?:did|have)\s+we\s+(?:assign(?:ed)?|give|given|allocate(?:d)?)\s+(?:to\s+)?"
    r"(?P<assigned>(?!an?\s)(?:\S+\s+){0,3}?\S+)(?:\s+(?:at|in|from|since)\s+(?:the|our)\s+"
    r"(?:last|previous)\s+\w+)?$"
    # "has the council done its actions yet?": what it holds, and how far along
    r"|^\s*(?:has|have)\s+(?P<done>(?!an?\s)(?!(?:any|some)(?:one|body)\b)(?:\S+\s+){0,3}?\S+)"
    r"\s+(?:done|finished|completed|started)\s+(?:all\s+)?(?:its|their|his|her)\s+"
    r"(?:actions?|tasks?|bits?)(?:\s+yet)?$"
    # "what is housing meant to be doing before next month?"
    r"|^\s*what\s+(?:is|are)\s+(?P<meant>(?!an?\s)(?:\S+\s+){0,3}?\S+)\s+(?:meant|supposed)"
    r"\s+to\s+be\s+doing(?:\s+(?:before|by|this|next)\b.*)?$",
    re.IGNORECASE,
)
# "What's overdue for the council?", "anything overdue for @bob?"
_OVERDUE_FOR = re.compile(
    r"\b(?:overdue|late|past due)\s+(?:for|of|from|with|at)\s+(?P<subject>.+)$"
    # "what is bob late on", "what's the council behind on" (trial 10d: the whole list came)
    r"|^\s*(?:what|which)\s+(?:actions?\s+)?(?:is|are|has|have)\s+(?P<late>(?!an?\s)(?:\S+\s+){0,3}?\S+)"
    r"\s+(?:got\s+)?(?:overdue|late|behind)(?:\s+(?:on|with))?$"
    # "is bob behind on anything", "is the council behind" (trial 10i: guidance came)
    r"|^\s*(?:is|are)\s+(?P<behind>(?!(?:it|this|that|there|we|they|you|i|our partnership"
    r"|the partnership|the project|everything|everyone|anyone|anything|any|something|nothing)"
    r"\b)(?:\S+\s+){0,2}?\S+)"
    r"\s+(?:behind|late|overdue)(?:\s+(?:on|with)\s+(?:anything|any(?:\s+of)?\s+(?:their|his|her"
    r"|its)?\s*actions?|stuff))?$",
    re.IGNORECASE,
)
# "Is anyone on the action for the newsletter?", "has housing done their bit on the
# referral form yet?": who has an action, by its words.
_ANYONE = re.compile(
    r"^\s*is\s+(?:any|some)(?:one|body)\s+(?:on|doing|handling|leading|looking after"
    r"|down for|signed up for|up for|taking|picking up|sorting|covering|chasing|writing"
    r"|organising|arranging|booking)\s+"
    r"(?P<subject>.+)$"
    r"|^\s*(?:has|have)\s+(?:any|some)(?:one|body)\s+(?:picked up|taken on|taken|sorted|"
    r"done|started)\s+(?P<picked>.+)$"
    # "has anyone been given the action to do the dpia", "has anyone got the action on…"
    r"|^\s*(?:has|have|is)\s+(?:any|some)(?:one|body)\s+(?:been\s+given|got|been\s+assigned"
    r"|taken|picked up)\s+(?:the|an?)\s+(?:action|task)\s+(?:to\s+do|to|on|for|about)\s+"
    r"(?P<given>.+)$"
    # "has anyone been given the leaflet redesign?"
    r"|^\s*(?:has|have)\s+(?:any|some)(?:one|body)\s+been\s+(?:given|assigned|allocated)\s+"
    r"(?P<handed>.+)$"
    # "is the ICB still holding the data mapping action?": an action, named as one
    r"|^\s*is\s+.+?\s+(?:still\s+)?(?:holding|doing|handling|leading|on|looking after|"
    r"covering)\s+(?:the\s+)?(?P<held>.+?)\s+(?:action|task)$"
    r"|^\s*(?:has|have)\s+.+?\s+done\s+(?:their|his|her|its|our)\s+(?:bit|part)\s+"
    r"(?:on|for|with)\s+(?P<task>.+?)(?:\s+yet)?$"
    # "is the comms plan with the fire service or with us?": who holds it
    r"|^\s*is\s+(?P<either>(?:the|our)\s+.+?)\s+with\s+.+?\s+or\s+with\s+.+$",
    re.IGNORECASE,
)
# An action named as such: "the action on the venue booking" is "venue booking".
_ACTION = re.compile(r"^(?:the\s+)?(?:action|task)s?\s+(?:on|for|about)\s+", re.IGNORECASE)
# A leading mention or address: "@accord who's got…", "accord, what's overdue".
_ADDRESS = re.compile(r"^\s*(?:@\w+|accord\b)[,:]?\s*", re.IGNORECASE)
# "what did we decide about the venue", "what was agreed at the last meeting": the
# group's decisions (/decide), not guidance on making decisions (trial 10i).
_DECIDED = re.compile(
    r"^\s*(?:what|which)\s+(?:(?:did|have|had)\s+(?:we|the\s+(?:group|board|partnership"
    r"|steering\s+group|partners))\s+(?:decide|agree|settle|vote)(?:d)?"
    r"|(?:was|were|has\s+been|have\s+been)\s+(?:decided|agreed|settled))"
    r"(?:\s+(?:on|about|re:?|regarding|for|at|in|over|with)\s+(?P<subject>.+?))?$"
    # "any decisions on papers?", "decisions about the venue?"
    r"|^\s*(?:any\s+|the\s+|our\s+)?decisions?\s+(?:made\s+|taken\s+)?(?:on|about|re:?|regarding"
    r"|for|at|in|over)\s+(?P<decisions>.+?)$",
    re.IGNORECASE,
)
# "…at the last meeting", "…on tuesday": when, not what about.
_MEETING = re.compile(
    r"^\s*(?:the\s+|our\s+|today'?s\s+|yesterday'?s\s+|last\s+)*(?:last\s+|latest\s+|recent\s+"
    r"|previous\s+|next\s+)?(?:meeting|board|call|session|workshop|monday|tuesday|wednesday"
    r"|thursday|friday|today|yesterday|week)s?\b",
    re.IGNORECASE,
)
# "which actions are stuck", "anything blocked?", "what's on track": the actions of that
# status (/actions blocked), not guidance on momentum (trial 10k).
_STATUS_QUESTION = re.compile(
    r"^\s*(?:(?:which\s+(?:(?:actions?|tasks?|jobs?|things?)\s+)?|what\s+(?:actions?|tasks?"
    r"|jobs?|things?)\s+)(?:is|are)"
    r"|anything|any\s+actions?"
    r"|are\s+any\s+actions?|is\s+anything|what\s+is)\s+(?P<status>stuck|blocked|stalled"
    r"|held\s+up|on\s+track|at\s+risk(?:\s+of\s+slipping)?|slipping)"
    r"(?:\s+(?:at\s+the\s+moment|now|right\s+now))?$",
    re.IGNORECASE,
)
# "who hasn't done their actions", "who's not finished their bit" (trial 10i: RACI came)
_NOT_DONE = re.compile(
    r"^\s*who\s+(?:has\s*n['’]?t|hasnt|has not|have\s*n['’]?t|havent|have not|is not|isn['’]?t"
    r")\s+(?:done|finished|completed|delivered|sorted)\s+(?:their|his|her|its)"
    r"\s+(?:actions?|bits?|tasks?|jobs?|stuff)(?:\s+yet)?$",
    re.IGNORECASE,
)
# "is bob responsible for the leaflet", "is carol doing the venue": who has that action
# (the register lists it with its owner), not guidance (trial 10k: publicity came).
_IS_SOMEONE_ON = re.compile(
    r"^\s*is\s+(?:the\s+)?@?(?!(?:it|this|that|there|anyone|anybody|someone|somebody"
    r"|everyone|the|a|an|our|partnership)\b)\w+(?:\s+\w+)?\s+(?:responsible\s+for|in\s+charge\s+of"
    r"|doing|handling|leading\s+on"
    r"|on)\s+(?P<what>(?:the|our)\s+.+)$",
    re.IGNORECASE,
)
# "and who has the leaflet?", "ok so what's bob late on": a follow-on's opening word.
_FOLLOW_ON = re.compile(r"^\s*(?:(?:and|so|ok|okay|also|but|oh|right)[,.]?\s+)+", re.IGNORECASE)
_LEADING = re.compile(r"^(?:the|a|an|our)\s+", re.IGNORECASE)
_PEOPLE = re.compile(r"(?<=\S)\s+(?:lot|folks|crew|people|guys)$", re.IGNORECASE)
# "Please could you tell me what…", "can you tell me who…": the question inside.
_POLITE = re.compile(
    r"^\s*(?:(?:please|pls|hi|morning)[,!]?\s+)*(?:(?:can|could|would)\s+(?:you|u)\s+"
    r"(?:please\s+)?(?:tell|remind|let)\s+me(?:\s+know)?|(?:please\s+)?(?:tell|remind)\s+me"
    r"|do (?:you|u) know)\s+",
    re.IGNORECASE,
)
# "who is actually doing…", "who's still on…": the hedge says nothing about what.
_HEDGE = re.compile(r"^(\s*who(?: is| are)?\s+)(?:actually|really|still|currently)\s+", re.I)
_SENTENCES = re.compile(r"(?<=[?!])\s+")  # not ".": "Dr. Patel"
# "who owns what?", "what's everyone responsible for?": every open action, by owner
_EVERYONE = re.compile(
    r"^\s*(?:so\s+)?(?:who\s+(?:owns|has|has got|is doing|does|is on)\s+what"
    r"|what(?:'s|s| is| are)\s+every(?:one|body)\s+(?:responsible for|doing|on|got)"
    r"|what\s+(?:does|do|has)\s+every(?:one|body)\s+(?:own|have|got)"
    # "what's still outstanding?", "anything open?"
    r"|(?:what|anything|is\s+anything|which\s+actions)(?:'s|s|\s+is|\s+are)?\s+(?:still\s+)?"
    r"(?:outstanding|open))"
    r"(?:\s+(?:here|in this group|in (?:the|this|our) (?:group|partnership)|at the moment"
    r"|right now|now|atm))?\s*$",
    re.IGNORECASE,
)


# The last word of a partner named in lower case: "the housing trust", "the fire service".
_ORGANISATION_NOUNS = frozenset(
    "trust trusts council board service services association charity federation practice "
    "police constabulary college school hospital hospice icb team".split()
)


@dataclass(frozen=True)
class RegisterQuestion:
    """A question for the register: ``kind`` is "who" (an action's owner), "mine",
    "overdue" (with a ``subject``: a partner's or person's), "owns" (what a partner or
    person is responsible for), "all" (everyone's actions), "role" (who holds a role:
    "who chairs?"), "decided" (the group's decisions, about ``subject`` if given: "what
    did we decide about the venue") or "status" (the actions of a status, ``subject`` as
    /actions takes it: "which actions are stuck?" is /actions stuck)."""

    kind: str
    subject: str = ""

    @property
    def names_someone(self) -> bool:
        """Whether the subject is written as a name ("Carers Together", "HSCB", "Bob") or
        names an organisation ("the housing trust"), not a role in general ("a lead
        partner")."""
        words = self.subject.split()
        if any(word[:1].isupper() for word in words):
            return True
        return bool(words) and words[-1].lower() in _ORGANISATION_NOUNS


def register_question(text: str) -> RegisterQuestion | None:
    """The register question ``text`` asks, if it asks one: in a message of several
    sentences, the first that asks one ("Could you tell me what Sandra owns? I've lost
    track."). "Who owns what?" alone asks for everyone's actions ("all"); followed by a
    complaint ("…? nobody's clear on roles") it asks how to make roles clear."""
    if _EVERYONE.match(_ADDRESS.sub("", text.strip().rstrip("?!. "))):
        return RegisterQuestion("all")
    for sentence in _SENTENCES.split(text.strip()):
        if routed := _routed(sentence):
            return routed
    return None


def _routed(text: str) -> RegisterQuestion | None:
    question = _ADDRESS.sub("", text.strip().rstrip("?!. "))
    question = _POLITE.sub("", _FOLLOW_ON.sub("", question))
    question = re.sub(r"^(\s*(?:what|who))['’]?s\b", r"\1 is", question, flags=re.I)
    question = _HEDGE.sub(r"\1", question)
    if _IN_GENERAL.match(question):  # "who is supposed to write the DPIA": a role in general
        return None
    if _MINE.search(question):
        return RegisterQuestion("mine")
    if decided := _DECIDED.match(question):
        about = _found(decided)
        return RegisterQuestion("decided", "" if _MEETING.match(about) else _subject(about))
    if status := _STATUS_QUESTION.match(question):  # "which actions are stuck?"
        return RegisterQuestion("status", " ".join(status.group("status").lower().split()))
    if _NOT_DONE.match(question):  # "who hasn't done their actions": what is overdue
        return RegisterQuestion("overdue")
    whose = _OVERDUE_FOR.search(question)
    if _OVERDUE.search(question) and (
        _OVERDUE_QUESTION.search(question) or (whose and whose.group("behind"))
    ):
        return RegisterQuestion("overdue", _subject(_found(whose)) if whose else "")
    if (owns := _OWNS.match(question)) and (subject := _subject(_found(owns))):
        # "what's bobby_p got on": "what's" was "what has", not "what is"
        return RegisterQuestion("owns", re.sub(r"\s+got$", "", subject, flags=re.I))
    if (person := _IS_SOMEONE_ON.match(question)) and (subject := _subject(person["what"])):
        return RegisterQuestion("who", subject)  # "is bob responsible for the leaflet"
    if (anyone := _ANYONE.match(question)) and (subject := _subject(_found(anyone))):
        return RegisterQuestion("who", subject)
    match = _WHO.match(question)
    if match:
        subject = _subject(match.group("subject"))
        if _PERSONAL_DATA.search(subject):
            return None
        if subject:
            return RegisterQuestion("who", subject)
    if role := _ROLE.match(question):
        verbing = role.group("verbing")
        words = (
            _ROLE_OF_VERB[verbing.lower()]
            if verbing
            else role.group("role") or role.group("verb") or role.group("does")
        )
        return RegisterQuestion("role", words.strip())
    return None


def _found(match: re.Match[str]) -> str:
    """The one named group of ``match``'s alternatives that matched."""
    return next((words for words in match.groupdict().values() if words), "")


def _subject(words: str) -> str:
    """What a question is about, without a leading "the", "a" or "our" or "the action on",
    or a trailing "lot" ("the food bank lot": the food bank's people)."""
    return _PEOPLE.sub("", _LEADING.sub("", _ACTION.sub("", words.strip())))


# A fact only this partnership has: "who is our IG lead?", "where are our minutes?",
# "when is our next meeting?", "what's our budget code?". General guidance can't answer
# it; the partnership's FAQ can. A general question that merely says "our" ("how do we
# make our meetings better") is not one: it asks how, not who, where or when.
_LOCAL_FACT = re.compile(
    r"^\s*(?:who|where|when)\s*(?:is|are|was|does|do)\s+(?:our|the partnership's)\s+\S"
    r"|^\s*where\s+(?:do|can)\s+(?:we|i)\s+(?:keep|find|get|put|store|save)\s+(?:our|the)\s+"
    r"(?:[\w-]+\s+){0,2}(?:minutes|papers|agendas?|documents?|files?|drive|notes|templates?"
    r"|folder|logs?|registers?|trackers?|spreadsheets?)\b"
    # "where are the board minutes kept?": this partnership's papers, with "the" too
    r"|^\s*where\s*(?:is|are)\s+(?:the|our)\s+(?:[\w-]+\s+){0,2}(?:minutes|papers|agendas?"
    r"|documents?|files?|drive|notes|templates?|folder|records?|logs?|registers?|trackers?"
    r"|spreadsheets?|sheets?|forms?)(?:\s+(?:kept|stored|saved|filed|held|put|going))?\s*$"
    # "when does the steering group meet", "when do we meet next" (trial 10j: guidance came)
    r"|^\s*when\s+(?:does|do|will)\s+(?:the|our)\s+(?:[\w-]+\s+){0,2}(?:group|board|forum"
    r"|partnership|committee|panel|network|alliance)\s+(?:next\s+)?meet\b"
    r"|^\s*when\s+(?:do|will|are)\s+we\s+(?:next\s+)?(?:meet|meeting)\b"
    # "where is the data sharing agreement saved?": any of this partnership's papers
    r"|^\s*where\s*(?:is|are|was|were)\s+(?:the|our)\s+(?:[\w-]+\s+){0,4}?[\w-]+\s+"
    r"(?:kept|stored|saved|filed|held|put|uploaded)\s*$"
    # "where do we book the community hall?": how it's done here, not a request to book
    r"|^\s*where\s+(?:do|can|should)\s+(?:we|i)\s+book\b"
    # "who chairs our board?", "who leads our comms?": who does it here
    r"|^\s*who\s+(?:chairs|leads|runs|hosts|coordinates|convenes|manages|minutes)\s+"
    r"(?:our|the partnership's)\s+\S"
    r"|^\s*(?:what|which)\s*(?:is|are)\s+(?:our|the partnership's|the)\s+(?:[\w-]+\s+){0,3}"
    r"(?:code|number|address|email|e-mail|phone|postcode|login|password|link|url|account|"
    r"deadline|date|time|venue|room|contact|name|reference|ref)s?\s*$"
    r"|^\s*when\s*(?:is|are)\s+(?:our\s+next|the\s+next\s+(?:partnership\s+|board\s+)?"
    r"(?:meeting|board|steering|session|catch-?up|call|forum)s?)\b",
    re.IGNORECASE,
)


def asks_local_fact(text: str) -> bool:
    """Whether ``text`` asks for a fact only this partnership has (who holds a post
    here, where its papers are, when it next meets, its codes and contacts), in chat
    spellings too ("whens the next board")."""
    question = normalise(_ADDRESS.sub("", text.strip().rstrip("?!. ")))
    question = re.sub(r"^(\s*(?:what|who|where|when))['’]?s\b", r"\1 is", question, flags=re.I)
    return bool(_LOCAL_FACT.search(question))


# "send a reminder to Bob about the DSA", "can you email all partners the MoU", "book a
# room": asking Accord to do something it can't (it has no email, calendar or rooms).
# Answered by what it does instead, whatever the topic words: not "remind me what…",
# "how do we book…", "can you explain…".
# How a request opens, before what is asked: "please", "hi,", "can you", "could u pls".
_ASKING = (
    r"^\s*(?:(?:please|pls|plz|hi|hey)[,!]?\s+)*(?:(?:can|could|would|will)\s+(?:you|u)\s+"
    r"(?:please\s+|pls\s+)?)?"
)
_REQUEST = re.compile(
    _ASKING + r"(?:send|remind|email|e-mail|message|text|ping|forward|book"
    r"|schedule|arrange|organise|organize|circulate|notify|invite|chase|post"
    # "set up a zoom for the board", "create a teams channel": a meeting or place to talk
    r"|(?:set up|setup|create|open)\s+(?:(?:a|an|the|our|us a|me a|new)\s+)*"
    r"(?:\w+\s+)?(?:zoom|teams|meeting|call|channel|group chat|whatsapp|calendar|invite)"
    # "tell Bob to hurry up with the survey": a message to someone
    r"|tell\s+(?!me\b|us\b)\S+(?:\s+\S+)?\s+to)\b"
    r"(?!\s+me\s+(?:what|how|why|who|when|where|which|of|about)\b)",
    re.IGNORECASE,
)
# "write up what we agreed on tuesday", "summarise today's meeting", "take the minutes":
# asking Accord to record a meeting, which it can't (it records the actions agreed).
_MINUTES = re.compile(
    _ASKING + r"(?:write up|write-up|summari[sz]e|take (?:the )?minutes|minute"
    r"|recap|transcribe)\b",
    re.IGNORECASE,
)
# "write the funding bid for us", "draft our terms of reference": Accord doesn't draft
# documents; the guidance on what goes in one still helps.
_DRAFT = re.compile(
    # "do" asks Accord to do it, not "do we need an MoU" (trial 10d)
    _ASKING + r"(?:write|draft|prepare|produce|do(?!\s+(?:we|i|you|u|they|people|partners)\b))"
    r"\s+(?!up\b)"
    r"(?:(?:a|an|the|our|us a|me a|us an|me an|us the)\s+)?.+?\b(?:for (?:us|me)|bid|"
    r"agreement|terms of reference|tor|mou|policy|plan|strategy|report|document|dpia|dsa|"
    r"proposal|application|constitution|template|letter|agenda|minutes|notes|papers?|briefing|"
    r"newsletter|email|summary)\b",
    re.IGNORECASE,
)


def asks_accord_to_act(text: str) -> bool:
    """Whether ``text`` asks Accord to send, remind, email, book or schedule something,
    set up a meeting or channel, tell someone to do something, or write up a meeting."""
    asked = _unaddressed(text)
    return bool(_REQUEST.match(asked) or _MINUTES.match(asked))


def asks_to_record_meeting(text: str) -> bool:
    """Whether ``text`` asks Accord to write up or summarise a meeting (it records the
    actions agreed instead)."""
    return bool(_MINUTES.match(_unaddressed(text)))


def asks_to_draft(text: str) -> bool:
    """Whether ``text`` asks Accord to write a document ("draft our terms of reference
    for us"): it can't, though the guidance on what goes in one helps."""
    return bool(_DRAFT.match(_unaddressed(text)))


def _unaddressed(text: str) -> str:
    """``text`` without a leading mention or "accord,"."""
    return _ADDRESS.sub("", text.strip())


_SMALL_TALK = frozenset(
    "hi hello hey hiya morning afternoon evening good thanks thank you cheers ok okay great "
    "bye yes no all everyone everybody folks team guys there ta thx ty tx thanx much lots "
    "very so accord"
    # "thanks thats useful" (trial 10j: logged in /unanswered as a question)
    " that thats is was useful helpful perfect brilliant lovely nice excellent really super"
    " amazing sorted noted many helps helped that's".split()
)
_THANKS = frozenset("thanks thank cheers ta thx ty tx thanx".split())


def is_small_talk(text: str) -> bool:
    """Greetings and thanks ("hi all", "morning all", "thanks"): answered kindly, not
    searched or logged as questions."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
    return bool(words) and all(word in _SMALL_TALK for word in words)


def is_thanks(text: str) -> bool:
    """Small talk that thanks ("thanks", "cheers accord"): "You're welcome", not "Hello"."""
    return is_small_talk(text) and bool(_THANKS.intersection(re.findall(r"[a-z]+", text.lower())))


_HELP = re.compile(
    r"^\s*(?:help|help me|need help|pls help|please help"
    # "what can you do", "what can accord do", "what are you for": what Accord does
    r"|what\s+(?:can|do|does|could)\s+(?:you|u|accord|this bot|the bot|it)\s+(?:do|help with)"
    r"(?:\s+for (?:us|me))?|what\s+(?:are|r)\s+(?:you|u)\s+for|what\s+is\s+accord\s+for"
    r"|how\s+(?:do|can)\s+(?:you|u|accord)\s+help(?:\s+(?:us|me))?)\s*[?!.]*\s*$",
    re.IGNORECASE,
)


def asks_for_help(text: str) -> bool:
    """A bare "help" or "what can you do?": pointed to /help, not searched or logged as a
    question."""
    return bool(_HELP.match(text))
