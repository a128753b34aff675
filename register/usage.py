"""How each of Accord's commands is written, who may use it, and examples.

The one source of usage text: a usage error quotes it, ``/help <command>`` shows it, and
a test checks that every command in the catalogue has an entry here and that its menu
example is one of these. Free of Telegram, so the register's parsers can quote it.
"""

from __future__ import annotations

from dataclasses import dataclass

ANYONE = "anyone"
COORDINATORS = "coordinators"


@dataclass(frozen=True)
class Usage:
    """``syntax``: how it is written, one form a line; ``who``: who may use it."""

    syntax: tuple[str, ...]
    examples: tuple[str, ...]
    who: str = ANYONE

    def text(self) -> str:
        """``Usage: /done <#> [note]  e.g. /done 3 sent to the board`` (more forms below)."""
        first, *others = self.syntax
        return "\n".join([f"Usage: {first}  e.g. {self.examples[0]}", *others])


USAGE: dict[str, Usage] = {
    "start": Usage(("/start",), ("/start",)),
    "help": Usage(("/help", "/help <command>: one command's usage"), ("/help assign", "/help")),
    "assign": Usage(
        (
            "/assign @name <what> [by <when>]",
            "/assign me <what> [by <when>]: for yourself",
            "/assign @name [by <when>] as a reply to a message: that message is the action",
            "… with @alexis and HSCB: people or partners who support it (the owner stays one)",
            "… every Friday, … every month by the 5th: a repeating action",
            "/assign, then one action a line (or replying to pasted minutes): all or none",
        ),
        (
            "/assign @samira Draft the bid by Friday",
            "/assign me Book the venue tomorrow 5pm",
            "/assign @samira by Monday (replying to “Send the minutes”)",
            "/assign @samira Draft the bid with @alexis and HSCB by Friday",
            "/assign @samira Send the returns every month by the 5th",
        ),
        "coordinators (anyone, for themselves with me)",
    ),
    "actions": Usage(
        (
            "/actions [overdue | done | all | blocked | at risk | on track | @name | <partner>]"
            " [page N]",
            "/actions with @name | with <partner>: the actions they support",
        ),
        (
            "/actions overdue",
            "/actions blocked",
            "/actions",
            "/actions City Council",
            "/actions @samira",
            "/actions with @alexis",
        ),
    ),
    "progress": Usage(
        ("/progress: a chart of open, overdue and done actions by partner, and done per week",),
        ("/progress",),
    ),
    "healthcheck": Usage(
        (
            "/healthcheck: ask every member to rate the key principles from 1 to 5",
            "/healthcheck results: the latest closed round's averages (if 3 answered)",
            "/healthcheck close: end the open round now",
        ),
        ("/healthcheck", "/healthcheck results", "/healthcheck close"),
        "coordinators (anyone for results)",
    ),
    "mine": Usage(("/mine [page N]",), ("/mine",)),
    "done": Usage(
        ("/done <#> [note]", "/done 3 4 7 [note]: several at once, each checked and reported"),
        ("/done 3 sent to the board", "/done 3", "/done 3 4 7"),
        "the action's owner, coordinators",
    ),
    "update": Usage(
        ("/update <#> <note>: “on track”, “at risk” or “blocked” in the note set the status",),
        ("/update 3 at risk: waiting for figures", "/update 3 on track"),
        "the action's owner, coordinators",
    ),
    "edit": Usage(
        ("/edit <#> <new title>",),
        ("/edit 3 Draft the carers' survey",),
        "the action's owner, coordinators",
    ),
    "reopen": Usage(
        ("/reopen <#>: undo a /done or a /drop (in a private chat too)",),
        ("/reopen 3",),
        "the owner (for their own done), coordinators (any)",
    ),
    "reassign": Usage(("/reassign <#> @name",), ("/reassign 3 @alexis",), COORDINATORS),
    "due": Usage(("/due <#> <when>",), ("/due 3 next Tuesday", "/due 3 31 Jan 5pm"), COORDINATORS),
    "drop": Usage(("/drop <#> [reason]",), ("/drop 3 no longer needed",), COORDINATORS),
    "history": Usage(("/history <#> [page N]",), ("/history 3",)),
    "who": Usage(("/who <words>",), ("/who funding bid",)),
    "supporters": Usage(
        ("/supporters <#> @name and <partner>", "/supporters <#> none"),
        ("/supporters 3 @alexis and HSCB", "/supporters 3 none"),
        "the action's owner, coordinators",
    ),
    "partners": Usage(("/partners [page N]",), ("/partners",)),
    "partner": Usage(
        ("/partner add <Name>", "/partner remove <Name>"),
        ("/partner add City Council", "/partner remove City Council"),
        COORDINATORS,
    ),
    "join": Usage(
        ("/join <Partner>: a word of its name is enough when only one partner has it",),
        ("/join City Council", "/join council"),
    ),
    "goals": Usage(("/goals",), ("/goals",)),
    "goal": Usage(
        (
            "/goal <n>: the goal and its actions by partner",
            "/goal <n> history: every change to it",
            "/goal add <text>, /goal edit <n> <text>, /goal close <n>: coordinators",
        ),
        ("/goal 2", "/goal add Cut waiting times for carers' assessments", "/goal close 2"),
        "anyone to see one; coordinators to add, edit or close",
    ),
    "link": Usage(
        ("/link <#> goal <n>", "/link <#> goal none: unlink it"),
        ("/link 3 goal 2", "/link 3 goal none"),
        "the action's owner, coordinators",
    ),
    "roles": Usage(("/roles", "/roles history: every change to the roles"), ("/roles",)),
    "role": Usage(
        (
            "/role add <Role> <@name | partner>[: what it covers]",
            '/role add "<Role of several words>" …: quote a name of several words',
            "/role remove <Role>",
        ),
        (
            "/role add Chair @samira",
            '/role add "Data lead" HSCB: monthly data returns',
            "/role remove Chair",
        ),
        COORDINATORS,
    ),
    "decide": Usage(
        ("/decide <what was decided>", "/decide as a reply: that message is the decision"),
        ("/decide Pool the budgets for 2027", "/decide (replying to the proposal)"),
        COORDINATORS,
    ),
    "decisions": Usage(("/decisions",), ("/decisions",)),
    "decision": Usage(
        (
            "/decision <n>: the decision and its answers by partner",
            "/decision <n> history: every change and answer",
            "/decision <n> confirm, /decision <n> withdraw: coordinators",
        ),
        ("/decision 3", "/decision 3 confirm", "/decision 3 withdraw"),
        "anyone to see one; coordinators to confirm or withdraw",
    ),
    "coordinator": Usage(
        ("/coordinator add @name, /coordinator remove @name", "/coordinator: who coordinates here"),
        ("/coordinator add @samira", "/coordinator"),
        "anyone to list them; coordinators to add or remove",
    ),
    "export": Usage(
        (
            "/export: the register and its history as CSV files, and the health checks' "
            "averages if any ran (never an individual answer)",
        ),
        ("/export",),
        COORDINATORS,
    ),
    "nudges": Usage(
        (
            "/nudges digest weekly <day> <HH:MM> | daily <HH:MM> | off",
            "/nudges checkin weekly <day> <HH:MM> | daily <HH:MM> | off",
            "/nudges reminders on | off",
            "/nudges digest chart on | off: the /progress chart with each digest",
            "/nudges healthcheck quarterly | off: a health check each quarter (off by default)",
            "/nudges: the schedules and their next times",
        ),
        (
            "/nudges digest weekly mon 09:00",
            "/nudges checkin weekly fri 15:00",
            "/nudges reminders off",
            "/nudges digest chart on",
            "/nudges healthcheck quarterly",
        ),
        "anyone to see them; coordinators to change them",
    ),
    "timezone": Usage(
        ("/timezone [<IANA name>]",), ("/timezone Europe/London", "/timezone"), COORDINATORS
    ),
    "quiet": Usage(
        ("/quiet <from>-<to> [weekends]", "/quiet off"),
        ("/quiet 20:00-08:00 weekends", "/quiet off"),
        COORDINATORS,
    ),
    "digest": Usage(("/digest",), ("/digest",), COORDINATORS),
    "checkin": Usage(("/checkin",), ("/checkin",), COORDINATORS),
    "ask": Usage(
        ("/ask <question>",),
        ("/ask how do we build trust?", "/ask what are the benefits of pooling budgets?"),
    ),
    "principles": Usage(("/principles",), ("/principles",)),
    "benefits": Usage(("/benefits",), ("/benefits",)),
    "challenges": Usage(("/challenges",), ("/challenges",)),
    "unanswered": Usage(
        (
            "/unanswered: the questions I could not answer here",
            "/unanswered dismiss <n> [n…]: take off-topic questions off the list",
        ),
        ("/unanswered", "/unanswered dismiss 3"),
        COORDINATORS,
    ),
    "faq": Usage(
        (
            "/faq: this partnership's own answers",
            "/faq add <question> | <answer>",
            "/faq edit <n> <question> | <answer>",
            "/faq remove <n>",
            "/faq answer <n>: answer question n of /unanswered (or tap its button)",
        ),
        (
            "/faq add Where are the minutes kept? | In the shared drive, under Board/Minutes",
            "/faq",
            "/faq edit 2 Who is our IG lead? | Priya Shah, Health Board",
            "/faq remove 2",
        ),
        "anyone to list them; coordinators to add, change or remove them",
    ),
}


def usage_text(command: str) -> str:
    """The ``Usage: …`` lines of ``/command``."""
    return USAGE[command].text()
