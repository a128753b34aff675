-- Who Accord has seen in each chat: an unknown @name is compared with these only, so a
-- suggestion never names someone from another partnership. Seeded from what the
-- register already knows about each chat.
CREATE TABLE chat_people (
    chat_id  INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES people (user_id),
    seen_at  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;

INSERT OR IGNORE INTO chat_people (chat_id, user_id, seen_at)
    SELECT chat_id, user_id, joined_at FROM partner_members
    UNION ALL
    SELECT chat_id, user_id, added_at FROM coordinators
    UNION ALL
    SELECT a.chat_id, a.owner_user_id, a.created_at FROM actions a
        JOIN people p ON p.user_id = a.owner_user_id;

-- Questions waiting for a button ("Did you mean @carol?"): what the command asked for
-- is kept here, so a button's callback_data carries only the id. A row is deleted when
-- the question is answered; expired ones are pruned as new ones are asked.
CREATE TABLE pending_choices (
    choice_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    user_id     INTEGER NOT NULL,               -- who sent the command
    payload     TEXT    NOT NULL,               -- JSON: the command and its request
    expires_at  TEXT    NOT NULL                -- UTC
);

CREATE INDEX pending_choices_by_expiry ON pending_choices (expires_at);
