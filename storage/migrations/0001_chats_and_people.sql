-- Chats the bot is in and people it has seen, recorded from every update.
CREATE TABLE chats (
    chat_id     INTEGER PRIMARY KEY,
    type        TEXT    NOT NULL,
    title       TEXT,
    timezone    TEXT,            -- IANA name; NULL means the configured default
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE people (
    user_id           INTEGER PRIMARY KEY,
    username          TEXT,      -- lower-cased, without the @
    display_name      TEXT    NOT NULL,
    has_private_chat  INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);

CREATE INDEX people_by_username ON people (username);
