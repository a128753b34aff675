-- What was asked when Accord answered with guidance in a group, by the answer's message:
-- a "Not helpful" on that answer then names the question in /unanswered, where a
-- coordinator can answer it for the FAQ. The chat keeps its newest 100.
CREATE TABLE guidance_answers (
    chat_id      INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    message_id   INTEGER NOT NULL,
    question     TEXT    NOT NULL,
    answered_at  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- The question whose answer a person marked (NULL: not known, e.g. a topic button's).
ALTER TABLE guidance_feedback ADD COLUMN question TEXT;

-- /unanswered lists a question whose answer was marked not helpful with the entry that
-- answered it (NULL: a question Accord declined), to be answered as a FAQ entry.
ALTER TABLE unanswered_questions ADD COLUMN unhelpful TEXT;

-- Who asked each listed question (or marked its answer not helpful), so a repeat by
-- someone else is counted as theirs and not credited to the first asker alone.
CREATE TABLE unanswered_askers (
    question_id  INTEGER NOT NULL
                 REFERENCES unanswered_questions (question_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
);

INSERT INTO unanswered_askers (question_id, user_id)
SELECT question_id, user_id FROM unanswered_questions WHERE user_id IS NOT NULL;
