-- The partnership's charter: agreed goals, roles (terms of reference) and decisions.
-- Each is numbered per chat like actions (goal 2, decision 3); a group that becomes a
-- supergroup takes them along, renumbered after the supergroup's (storage/chats.py).

CREATE TABLE goals (
    goal_id     INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    number      INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    closed_at   TEXT,                      -- a closed goal keeps its actions' links
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (chat_id, number)
);

-- An action serves at most one goal.
ALTER TABLE actions ADD COLUMN goal_id INTEGER REFERENCES goals (goal_id);
CREATE INDEX actions_by_goal ON actions (goal_id) WHERE goal_id IS NOT NULL;

-- A role is held by one person (or an @name not seen yet) or one partner organisation.
CREATE TABLE roles (
    role_id      INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,         -- casefolded, one role of a name per chat
    user_id      INTEGER REFERENCES people (user_id),
    handle       TEXT,
    partner_id   INTEGER REFERENCES partners (partner_id),
    covers       TEXT,                     -- what the role is responsible for
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (chat_id, name_key),
    CHECK ((user_id IS NOT NULL) + (handle IS NOT NULL) + (partner_id IS NOT NULL) = 1)
);

CREATE TABLE decisions (
    decision_id     INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    number          INTEGER NOT NULL,
    text            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'confirmed', 'withdrawn')),
    proposed_by     INTEGER,               -- who proposed it (the replied message's author)
    proposer_name   TEXT    NOT NULL,
    recorded_by     INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    resolved_at     TEXT,
    source_message_id INTEGER,             -- the /decide message: redelivered, no new decision
    UNIQUE (chat_id, number),
    UNIQUE (chat_id, source_message_id)
);

-- One answer per person per decision, changeable.
CREATE TABLE decision_responses (
    decision_id  INTEGER NOT NULL REFERENCES decisions (decision_id),
    user_id      INTEGER NOT NULL REFERENCES people (user_id),
    answer       TEXT    NOT NULL CHECK (answer IN ('agree', 'object')),
    at           TEXT    NOT NULL,
    PRIMARY KEY (decision_id, user_id)
) WITHOUT ROWID;

-- Every change to goals, roles and decisions: subject is goal, role or decision, and
-- number the goal's or decision's number (a role's name is in the values).
CREATE TABLE charter_events (
    event_id       INTEGER PRIMARY KEY,
    chat_id        INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    subject        TEXT    NOT NULL,
    subject_id     INTEGER NOT NULL,
    actor_user_id  INTEGER,
    at             TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    old_value      TEXT,
    new_value      TEXT
);

CREATE INDEX charter_events_by_chat ON charter_events (chat_id, event_id);
