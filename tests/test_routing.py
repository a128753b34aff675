"""Which questions go to the register, in the words coordinators used in a question set
written after the routing rules (the tuning half of issue 10's sets): each case failed
before the rule that reads it."""

from __future__ import annotations

import pytest

from guidance.routing import RegisterQuestion, asks_accord_to_act, register_question


@pytest.mark.parametrize(
    ("question", "routed"),
    [
        # whose actions, in the ways people put it
        ("what actions are on probation's name", RegisterQuestion("owns", "probation")),
        ("what's on Stoke Homes' list of actions?", RegisterQuestion("owns", "Stoke Homes")),
        ("what has the LA got on its plate from the action list?", RegisterQuestion("owns", "LA")),
        ("what is HSCB responsible for at the minute?", RegisterQuestion("owns", "HSCB")),
        ("what's HSCB responsible for on our list", RegisterQuestion("owns", "HSCB")),
        ("what's the food bank got due this week", RegisterQuestion("owns", "food bank")),
        (
            "Please could you tell me what Sandra owns at the moment? I've lost track.",
            RegisterQuestion("owns", "Sandra"),
        ),
        ("can you tell me what Bob is doing", RegisterQuestion("owns", "Bob")),
        # who has an action
        (
            "has anyone picked up booking the venue for the summer event?",
            RegisterQuestion("who", "booking the venue for the summer event"),
        ),
        (
            "is the ICB still holding the data mapping action?",
            RegisterQuestion("who", "data mapping"),
        ),
        ("who's writing the lottery bid?", RegisterQuestion("who", "lottery bid")),
        ("who picked up the venue booking", RegisterQuestion("who", "venue booking")),
        ("who is actually doing the newsletter", RegisterQuestion("who", "newsletter")),
        # in the words of a question set no routing rule was written from (dev7)
        (
            "what did we assign to probation at the last meeting",
            RegisterQuestion("owns", "probation"),
        ),
        (
            "what is housing meant to be doing before next month",
            RegisterQuestion("owns", "housing"),
        ),
        # an action about personal data is still an action
        ("whos doing the personal data audit", RegisterQuestion("who", "personal data audit")),
    ],
)
def test_register_questions_in_coordinators_words(question: str, routed: RegisterQuestion) -> None:
    assert register_question(question) == routed


@pytest.mark.parametrize(
    "question",
    [
        # a long "what does … do" is about a duty in general, not what a partner owns
        "what does the housing act duty to refer actually require us to do",
        "what does the council's safeguarding board actually do in a partnership like ours",
        "what is a lead partner responsible for",
        "what are partners responsible for in a data sharing agreement",
        "is the partnership still worth doing",
        "has anyone got advice on chairing a hostile meeting",
        "who is supposed to write the DPIA",
        # who carries a risk (trial 10d: "hook" was matched to "Book the venue…")
        "whos on the hook if the joint project overspends",
        "who is liable if the charity goes bust",
        # who answers for personal data: data protection roles, not an action's owner
        "who owns the personal data when 3 partners all feed into one shared case system",
        "who is responsible for the patient data we hold together",
        "who owns the client records on the shared spreadsheet",
    ],
)
def test_general_questions_stay_with_guidance(question: str) -> None:
    routed = register_question(question)
    assert routed is None or routed.kind == "role", routed


@pytest.mark.parametrize(
    "question",
    [
        "send a reminder to bob about the DSA",
        "@accord_bot remind everyone about the DPIA deadline",
        "can you email all partners the MoU",
        "could u book a room for the ToR workshop",
        "please message the council about the data sharing agreement",
        "accord, schedule a meeting with the ICB",
        "pls circulate the terms of reference",
    ],
)
def test_requests_to_act_get_what_accord_does_instead(question: str) -> None:
    """A request to send, remind, email, book or schedule is answered by what Accord does
    instead, however strongly its topic words ("DSA", "MoU") match a guidance entry."""
    assert asks_accord_to_act(question)


@pytest.mark.parametrize(
    "question",
    [
        "remind me what a ToR is",
        "what should we send partners before a meeting",
        "how do we book time with the chair",
        "can you explain the DSA",
        "should we email the minutes or put them on teams",
    ],
)
def test_questions_about_doing_things_are_not_requests(question: str) -> None:
    assert not asks_accord_to_act(question)


@pytest.mark.parametrize(
    ("question", "routed"),
    [
        # "outstanding", "down for", "signed up to", "got on their list": six authors of
        # the question sets asked for a partner's actions so, and guidance got them
        ("whats outstanding for the fire service", RegisterQuestion("owns", "fire service")),
        ("is anything outstanding for probation", RegisterQuestion("owns", "probation")),
        ("anything still open with the ICB?", RegisterQuestion("owns", "ICB")),
        (
            "what's outstanding for the police from last month",
            RegisterQuestion("owns", "police"),
        ),
        ("which actions are on the fire service", RegisterQuestion("owns", "fire service")),
        ("which tasks are with Carers Together", RegisterQuestion("owns", "Carers Together")),
        ("which actions does the food bank have open", RegisterQuestion("owns", "food bank")),
        ("@accord what actions does priya have", RegisterQuestion("owns", "priya")),
        ("what is the food bank down to do", RegisterQuestion("owns", "food bank")),
        ("what's Jas down for", RegisterQuestion("owns", "Jas")),
        ("what's bob down for on the register", RegisterQuestion("owns", "bob")),
        ("what has the ICB signed up to do", RegisterQuestion("owns", "ICB")),
        ("what has sam got on her list", RegisterQuestion("owns", "sam")),
        ("what's the council got on their to do list", RegisterQuestion("owns", "council")),
        # one's own
        ("what's outstanding for me", RegisterQuestion("mine")),
        ("anything outstanding for me?", RegisterQuestion("mine")),
        ("what did i sign up to last week, cant remember 🙈", RegisterQuestion("mine")),
        ("what have I agreed to do", RegisterQuestion("mine")),
        ("@accord what's on my list", RegisterQuestion("mine")),
        ("whats left on my to do list", RegisterQuestion("mine")),
        # dev11 and dev12, after the rules above
        ("what does the fire service still need to do", RegisterQuestion("owns", "fire service")),
        ("what does Bob need to do this week", RegisterQuestion("owns", "Bob")),
        ("which actions belong to the food bank", RegisterQuestion("owns", "food bank")),
        # trial 10g: "I don't know 'food bank lot'"
        ("what are the food bank lot doing", RegisterQuestion("owns", "food bank")),
        (
            "has anyone been given the action to do the dpia",
            RegisterQuestion("who", "dpia"),
        ),
        ("has anyone got the action on the leaflet?", RegisterQuestion("who", "leaflet")),
        # trial 10h: guidance answered these
        (
            "who is dealing with the data sharing agreement",
            RegisterQuestion("who", "data sharing agreement"),
        ),
        ("who's chairing us these days", RegisterQuestion("role", "chair")),
        ("who is coordinating us", RegisterQuestion("role", "coordinator")),
        # dev13 and dev14, once they joined the calibration sets
        ("has the council done its actions yet", RegisterQuestion("owns", "council")),
        ("has Bob finished all his tasks", RegisterQuestion("owns", "Bob")),
        (
            "has anyone been given the leaflet redesign",
            RegisterQuestion("who", "leaflet redesign"),
        ),
        # everyone's
        ("what's still outstanding?", RegisterQuestion("all")),
        ("anything open at the moment", RegisterQuestion("all")),
        # who has one
        (
            "is anyone picking up the venue booking for the conference",
            RegisterQuestion("who", "venue booking for the conference"),
        ),
        ("is somebody chasing the lottery bid", RegisterQuestion("who", "lottery bid")),
        (
            "who's meant to be sending out the newsletter",
            RegisterQuestion("who", "newsletter"),
        ),
        ("who is supposed to be booking the hall", RegisterQuestion("who", "hall")),
        (
            "is the comms plan with fire service or with us",
            RegisterQuestion("who", "comms plan"),
        ),
    ],
)
def test_a_partners_actions_in_more_words(question: str, routed: RegisterQuestion) -> None:
    assert register_question(question) == routed


@pytest.mark.parametrize(
    "question",
    [
        # who answers for a harm is liability or data protection, not an action's owner
        "are we the controller or are they? who is responsible if it leaks",
        "who is accountable when a referral goes wrong",
        "who's on the hook under gdpr if the charity loses data the council gave them",
        "has the partnership done its job",
        # "outstanding" and "signed up" that aren't about anyone's actions
        "what makes an outstanding partnership",
        "who is responsible for the personal info in a database all the partners use",
        "what does a lead partner need to do",
        "what does the partnership need to do to get started",
        "what have partners signed up to in an MoU usually",
        "which actions are on the agenda for a first board meeting",
        "who is supposed to chair the board",
        "is data sharing with the NHS or with social care harder",
    ],
)
def test_general_questions_in_those_words_stay_with_guidance(question: str) -> None:
    routed = register_question(question)
    assert routed is None or routed.kind == "role", routed
