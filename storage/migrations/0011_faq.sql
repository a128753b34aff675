-- Each partnership's own answers ("where are the minutes kept?"), taught by its
-- coordinators with /faq. A removed entry keeps its row (removed_at), so numbers stay
-- stable and never come back, and its history stays readable and exportable.
CREATE TABLE faq_entries (
    faq_id      INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    number      INTEGER NOT NULL,          -- per chat, never reused
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    added_by    INTEGER,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    removed_at  TEXT,
    UNIQUE (chat_id, number)
);

-- Who added, edited or removed an entry, when, and what it said before and after.
-- Keyed by the entry, so a group that becomes a supergroup takes it along.
CREATE TABLE faq_events (
    event_id      INTEGER PRIMARY KEY,
    faq_id        INTEGER NOT NULL REFERENCES faq_entries (faq_id),
    at            TEXT    NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('added', 'edited', 'removed')),
    old_question  TEXT,
    old_answer    TEXT,
    new_question  TEXT,
    new_answer    TEXT
);

CREATE INDEX faq_events_by_entry ON faq_events (faq_id, event_id);
