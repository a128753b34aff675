-- The responsibility register: partners, coordinators, actions and their history.
-- Chat ids cascade on update, so a group that becomes a supergroup keeps its rows.

CREATE TABLE partners (
    partner_id  INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,          -- lower-cased name, for case-insensitive lookups
    created_at  TEXT    NOT NULL,
    removed_at  TEXT,                      -- kept for the history of its actions
    UNIQUE (chat_id, name_key)
);

CREATE TABLE partner_members (
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES people (user_id),
    partner_id  INTEGER NOT NULL REFERENCES partners (partner_id),
    joined_at   TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id)         -- one organisation per person per partnership
);

CREATE TABLE coordinators (
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES people (user_id),
    added_by    INTEGER NOT NULL,
    added_at    TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE actions (
    action_id          INTEGER PRIMARY KEY,
    chat_id            INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    number             INTEGER NOT NULL,   -- #1, #2 … per chat
    title              TEXT    NOT NULL,
    owner_user_id      INTEGER REFERENCES people (user_id),
    owner_handle       TEXT,               -- an @name not seen yet: linked when they speak
    partner_id         INTEGER REFERENCES partners (partner_id),
    status             TEXT    NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'on_track', 'at_risk', 'blocked', 'done', 'dropped')),
    due_at             TEXT,               -- UTC, ISO 8601
    due_all_day        INTEGER NOT NULL DEFAULT 1,
    last_note          TEXT,
    created_by         INTEGER NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    closed_at          TEXT,
    source_message_id  INTEGER,            -- the /assign message: a redelivered update is no new action
    UNIQUE (chat_id, number),
    UNIQUE (chat_id, source_message_id),
    CHECK (owner_user_id IS NOT NULL OR owner_handle IS NOT NULL)
);

CREATE INDEX actions_by_chat_status ON actions (chat_id, status, due_at);
CREATE INDEX actions_by_owner ON actions (owner_user_id, status);
CREATE INDEX actions_by_pending_handle ON actions (owner_handle) WHERE owner_user_id IS NULL;

CREATE TABLE action_events (
    event_id       INTEGER PRIMARY KEY,
    action_id      INTEGER NOT NULL REFERENCES actions (action_id),
    actor_user_id  INTEGER,                -- NULL for Accord itself
    at             TEXT    NOT NULL,
    kind           TEXT    NOT NULL,       -- created, status, note, owner, due, partner, linked
    old_value      TEXT,
    new_value      TEXT,
    note           TEXT
);

CREATE INDEX action_events_by_action ON action_events (action_id, event_id);
