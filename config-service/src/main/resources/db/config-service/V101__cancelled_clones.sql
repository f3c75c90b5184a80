-- Clone operations that failed (or timed out) elsewhere: a configure step that arrives later makes
-- nothing, and clones already made for them are destroyed.
CREATE TABLE cancelled_clones (
  clone_id     UUID        PRIMARY KEY,
  step         TEXT        NOT NULL,
  reason       TEXT,
  cancelled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
