-- A due day is a date. "Due Friday" means Friday in the chat's calendar, whatever its
-- timezone is or becomes: it is kept in due_on (ISO date), no longer as the instant
-- "23:59 local" in due_at, which moved to Saturday when the chat's timezone moved east.
-- A due time stays a moment (due_at, UTC). At most one of the two is set.
--
-- Existing all-day rows hold 23:59 local time, in the chat's timezone of the day, as UTC.
-- SQL has no timezone database, but the UTC time of day gives the offset away: 23:59
-- local is 09:59-23:59 UTC east of Greenwich (offset 0 to +14 h: the same date) and
-- 00:00-11:59 UTC west of it (offset -0:01 to -12 h: the UTC date is one day on). The
-- overlap, 09:59-11:59 UTC, is +12 h to +14 h (New Zealand, Fiji, Tonga, Kiribati) or
-- -10 h to -12 h (Hawaii, Samoa, Niue): it is read as east unless the chat's timezone is
-- one of those western ones. Due dates past 9999-12-29, accepted before far-future dates
-- were refused, become 9999-12-30: later ones overflow date arithmetic in some zones.

ALTER TABLE actions ADD COLUMN due_on TEXT;                 -- the due day, local: "2026-11-27"

CREATE TEMP TABLE legacy_due_days (
    chat_id  INTEGER,
    stamp    TEXT NOT NULL,                                 -- the old due_at: 23:59 local, as UTC
    day      TEXT
);

INSERT INTO legacy_due_days (chat_id, stamp)
    SELECT DISTINCT chat_id, due_at FROM actions WHERE due_all_day = 1 AND due_at IS NOT NULL;

-- The history's "due" changes kept "<UTC moment>|1" for a day, "<UTC moment>|0" for a time.
INSERT INTO legacy_due_days (chat_id, stamp)
    SELECT DISTINCT a.chat_id, substr(v.value, 1, length(v.value) - 2)
    FROM (
        SELECT action_id, old_value AS value FROM action_events
            WHERE kind = 'due' AND old_value LIKE '%|1'
        UNION
        SELECT action_id, new_value FROM action_events
            WHERE kind = 'due' AND new_value LIKE '%|1'
    ) v
    JOIN actions a ON a.action_id = v.action_id;

UPDATE legacy_due_days SET day = min('9999-12-30', CASE
    WHEN substr(stamp, 12, 5) > '11:59' THEN substr(stamp, 1, 10)
    WHEN substr(stamp, 12, 5) < '09:59' THEN date(substr(stamp, 1, 10), '-1 day')
    WHEN (SELECT timezone FROM chats c WHERE c.chat_id = legacy_due_days.chat_id) IN (
        'Pacific/Honolulu', 'Pacific/Johnston', 'Pacific/Midway', 'Pacific/Niue',
        'Pacific/Pago_Pago', 'Pacific/Samoa', 'Pacific/Rarotonga', 'Pacific/Tahiti',
        'America/Adak', 'America/Atka', 'US/Hawaii', 'US/Samoa', 'US/Aleutian',
        'Etc/GMT+10', 'Etc/GMT+11', 'Etc/GMT+12'
    ) THEN date(substr(stamp, 1, 10), '-1 day')
    ELSE substr(stamp, 1, 10)
END);

-- A reminder handled for the old due date is handled for the same day now.
UPDATE actions SET
    due_on = (SELECT day FROM legacy_due_days d
              WHERE d.chat_id = actions.chat_id AND d.stamp = actions.due_at),
    reminded_before_for = CASE WHEN reminded_before_for = due_at THEN
        (SELECT day FROM legacy_due_days d
         WHERE d.chat_id = actions.chat_id AND d.stamp = actions.due_at) END,
    reminded_overdue_for = CASE WHEN reminded_overdue_for = due_at THEN
        (SELECT day FROM legacy_due_days d
         WHERE d.chat_id = actions.chat_id AND d.stamp = actions.due_at) END,
    due_at = NULL
WHERE due_all_day = 1 AND due_at IS NOT NULL;

UPDATE actions SET due_on = '9999-12-30', due_at = NULL,
    reminded_before_for = NULL, reminded_overdue_for = NULL
WHERE due_at >= '9999-12-30';

UPDATE action_events SET
    old_value = CASE
        WHEN old_value LIKE '%|1' THEN (
            SELECT d.day FROM legacy_due_days d JOIN actions a ON a.chat_id = d.chat_id
            WHERE a.action_id = action_events.action_id
              AND d.stamp = substr(action_events.old_value, 1, length(action_events.old_value) - 2))
        WHEN old_value LIKE '%|0' THEN min('9999-12-30', substr(old_value, 1, length(old_value) - 2))
        ELSE old_value END,
    new_value = CASE
        WHEN new_value LIKE '%|1' THEN (
            SELECT d.day FROM legacy_due_days d JOIN actions a ON a.chat_id = d.chat_id
            WHERE a.action_id = action_events.action_id
              AND d.stamp = substr(action_events.new_value, 1, length(action_events.new_value) - 2))
        WHEN new_value LIKE '%|0' THEN min('9999-12-30', substr(new_value, 1, length(new_value) - 2))
        ELSE new_value END
WHERE kind = 'due';

DROP TABLE temp.legacy_due_days;

ALTER TABLE actions DROP COLUMN due_all_day;

-- The reminders' query now keys a due date by its day, or else its moment.
DROP INDEX actions_awaiting_reminders;
CREATE INDEX actions_awaiting_reminders ON actions (COALESCE(due_on, due_at))
    WHERE closed_at IS NULL AND COALESCE(due_on, due_at) IS NOT NULL
      AND (reminded_overdue_for IS NULL OR reminded_overdue_for != COALESCE(due_on, due_at));
