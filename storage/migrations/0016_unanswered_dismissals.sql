-- A coordinator dismisses an off-topic question from /unanswered: the question leaves the
-- list, and who dismissed what, when, is kept here.
CREATE TABLE unanswered_dismissals (
    chat_id       INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    text          TEXT    NOT NULL,
    user_id       INTEGER,
    actor_name    TEXT    NOT NULL,
    dismissed_at  TEXT    NOT NULL
);

CREATE INDEX unanswered_dismissals_by_chat ON unanswered_dismissals (chat_id);
