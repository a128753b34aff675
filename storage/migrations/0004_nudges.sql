-- Nudges: per-chat schedules (the source of truth for when digests and check-ins fire),
-- quiet hours and reminder settings, reminder bookkeeping on actions, and a log.

ALTER TABLE chats ADD COLUMN quiet_start TEXT;              -- "20:00", local
ALTER TABLE chats ADD COLUMN quiet_end TEXT;
ALTER TABLE chats ADD COLUMN quiet_weekends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN reminders_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chats ADD COLUMN last_digest_at TEXT;           -- UTC: "done since the last digest"

CREATE TABLE schedules (
    chat_id       INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('digest', 'checkin')),
    enabled       INTEGER NOT NULL,
    frequency     TEXT    NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    weekday       INTEGER,                                  -- 0 = Monday
    at_time       TEXT    NOT NULL,                         -- "09:00", local
    slot_at       TEXT,                                     -- UTC: the next scheduled slot
    next_fire_at  TEXT,                                     -- UTC: when to send it (after quiet hours)
    last_sent_at  TEXT,
    PRIMARY KEY (chat_id, kind)
);

-- The tick's query: what is due now. NULL when off or when the bot left the chat.
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- Which due date each reminder was last handled for: a new due date is reminded afresh.
ALTER TABLE actions ADD COLUMN reminded_before_for TEXT;
ALTER TABLE actions ADD COLUMN reminded_overdue_for TEXT;

CREATE INDEX actions_awaiting_reminders ON actions (due_at)
    WHERE closed_at IS NULL AND due_at IS NOT NULL
      AND (reminded_overdue_for IS NULL OR reminded_overdue_for != due_at);

CREATE TABLE nudge_log (
    entry_id   INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,           -- digest, checkin, reminder-before, reminder-overdue
    slot_at    TEXT    NOT NULL,           -- when it was meant for
    logged_at  TEXT    NOT NULL,
    outcome    TEXT    NOT NULL            -- sent, late, skipped, failed, empty
);
