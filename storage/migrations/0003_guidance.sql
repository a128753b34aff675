-- Guidance: questions Accord could not answer confidently, and feedback on answers.

CREATE TABLE unanswered_questions (
    question_id  INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id      INTEGER,
    asked_at     TEXT    NOT NULL,
    text         TEXT    NOT NULL
);

CREATE INDEX unanswered_by_chat ON unanswered_questions (chat_id, question_id);

CREATE TABLE guidance_feedback (
    chat_id      INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id      INTEGER NOT NULL,
    entry_id     TEXT    NOT NULL,
    helpful      INTEGER NOT NULL,
    given_at     TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id, entry_id)
);
