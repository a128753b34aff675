-- /unanswered keeps every question: one asked again (same words, any case or spacing)
-- is counted on its row instead of logged twice.
ALTER TABLE unanswered_questions ADD COLUMN times INTEGER NOT NULL DEFAULT 1;
