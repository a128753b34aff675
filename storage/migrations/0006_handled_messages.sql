-- Messages whose command changed something: an update Telegram delivers again (after a
-- crash, before its offset was confirmed) must not act twice. Kept for two days, longer
-- than Telegram keeps an unconfirmed update.
CREATE TABLE handled_messages (
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL,      -- the message's own date: ids restart in a new world
    handled_at  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id, sent_at)
) WITHOUT ROWID;

CREATE INDEX handled_messages_by_age ON handled_messages (handled_at);
