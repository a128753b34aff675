-- Nudges whose send failed (Telegram unreachable, timing out or failing after the
-- transport's retries): each is tried again at retry_at while within the lateness window.
-- A row is deleted before its retry is sent (at most once), so the table stays small.

CREATE TABLE nudge_retries (
    chat_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,           -- digest, checkin, reminder-before, reminder-overdue
    number     INTEGER NOT NULL DEFAULT 0, -- a reminder's action number; 0 otherwise
    slot_at    TEXT    NOT NULL,           -- when it was meant for (UTC)
    retry_at   TEXT    NOT NULL,           -- when to try again (UTC)
    PRIMARY KEY (chat_id, kind, number)
);

CREATE INDEX nudge_retries_due ON nudge_retries (retry_at);
