-- Several actions at once, who else is involved, and actions that recur.
--
-- Supporting people and partners of an action (RACI's Consulted, beside its one
-- Responsible owner). Keyed by the action, so a group that becomes a supergroup takes
-- them along with its actions; a merged partner's rows follow it (storage/chats.py).
CREATE TABLE action_supporters (
    action_id   INTEGER NOT NULL REFERENCES actions (action_id),
    position    INTEGER NOT NULL,          -- the order they were named in
    user_id     INTEGER REFERENCES people (user_id),
    handle      TEXT,                      -- an @name not seen yet
    partner_id  INTEGER REFERENCES partners (partner_id),
    PRIMARY KEY (action_id, position),
    CHECK ((user_id IS NOT NULL) + (handle IS NOT NULL) + (partner_id IS NOT NULL) = 1)
);

CREATE INDEX action_supporters_by_person ON action_supporters (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX action_supporters_by_partner ON action_supporters (partner_id)
    WHERE partner_id IS NOT NULL;

-- One /assign of several lines records one action per line: each line's key is
-- "<message id>:<line>", so the message delivered again records nothing twice.
ALTER TABLE actions ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX actions_by_source_key ON actions (chat_id, source_key)
    WHERE source_key IS NOT NULL;

-- A recurring action: its rule as JSON (register/recurrence.py), and the first action
-- of its series. Done, the next occurrence is created with the same rule and series.
ALTER TABLE actions ADD COLUMN recurrence TEXT;
ALTER TABLE actions ADD COLUMN series_id INTEGER REFERENCES actions (action_id);
CREATE INDEX actions_by_series ON actions (series_id) WHERE series_id IS NOT NULL;
