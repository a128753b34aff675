-- Partnership health check (issue 11): rounds in which members rate the key principles
-- from 1 to 5, anonymously.
--
-- Anonymity by construction: an answer is keyed by a salted hash of (round, person), so
-- one person has one answer per round and can change it, but no row holds a user id
-- beside a rating, and no query returns who answered what (storage/health.py).

CREATE TABLE health_rounds (
    round_id    INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (chat_id) ON UPDATE CASCADE,
    salt        BLOB    NOT NULL,          -- random, per round: respondent keys can't be
                                           -- matched across rounds
    opened_at   TEXT    NOT NULL,          -- UTC
    closes_at   TEXT    NOT NULL,          -- UTC: answers are taken until then
    closed_at   TEXT,                      -- UTC: closed early with /healthcheck close
    opened_by   INTEGER,                   -- the coordinator; NULL: the quarterly schedule
    opened_by_name TEXT,
    closed_by   INTEGER,
    closed_by_name TEXT
);
CREATE INDEX health_rounds_by_chat ON health_rounds (chat_id, round_id);

CREATE TABLE health_answers (
    round_id    INTEGER NOT NULL REFERENCES health_rounds (round_id),
    respondent  TEXT    NOT NULL,          -- hex sha256(salt, person): never the person
    principle   TEXT    NOT NULL,          -- a key of domain/health.py PRINCIPLES
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (round_id, respondent, principle)
) WITHOUT ROWID;                           -- no insertion order to tell answers apart

CREATE TABLE health_comments (
    round_id    INTEGER NOT NULL REFERENCES health_rounds (round_id),
    respondent  TEXT    NOT NULL,
    comment     TEXT    NOT NULL,
    PRIMARY KEY (round_id, respondent)
) WITHOUT ROWID;

-- Nudge settings: the quarterly round (off by default) and the chart with the digest.
ALTER TABLE chats ADD COLUMN healthcheck_quarterly INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN healthcheck_next_at TEXT;     -- UTC: the next scheduled round
ALTER TABLE chats ADD COLUMN digest_chart INTEGER NOT NULL DEFAULT 0;
