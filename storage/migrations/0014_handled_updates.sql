-- Updates handled to their end, by Telegram's update_id (unique per bot): with several
-- instances on one database, an update Telegram delivers again (its webhook answer was
-- lost, or the instance died) is handled once, whichever instance it reaches. Covers
-- updates without a message too (buttons, membership changes). Kept for two days.
CREATE TABLE handled_updates (
    update_id   INTEGER NOT NULL PRIMARY KEY,
    handled_at  TEXT    NOT NULL
);

CREATE INDEX handled_updates_by_age ON handled_updates (handled_at);
