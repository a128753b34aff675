-- PostgreSQL's 0008 (see 0008_due_dates.sql): the same end state.
-- PostgreSQL support came after this migration, so a PostgreSQL database never holds
-- rows from before it (bot.py migrate-to-postgres copies an SQLite database already
-- migrated): the schema change alone brings it to the same state. SQLite's date
-- arithmetic on legacy rows has no counterpart to write here.

ALTER TABLE actions ADD COLUMN due_on TEXT;

ALTER TABLE actions DROP COLUMN due_all_day;

-- The reminders' query now keys a due date by its day, or else its moment.
DROP INDEX actions_awaiting_reminders;
CREATE INDEX actions_awaiting_reminders ON actions ((COALESCE(due_on, due_at)))
    WHERE closed_at IS NULL AND COALESCE(due_on, due_at) IS NOT NULL
      AND (reminded_overdue_for IS NULL OR reminded_overdue_for != COALESCE(due_on, due_at));
