-- Transactional outbox: an event commits with the state change that caused it; the relay
-- publishes it afterwards and marks it published.
CREATE TABLE outbox (
  id           BIGSERIAL PRIMARY KEY,
  event_id     UUID        NOT NULL UNIQUE,
  clone_id     UUID        NOT NULL,
  topic        TEXT        NOT NULL,
  type         TEXT        NOT NULL,
  body         BYTEA       NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Inbox: every event id a consumer processed, recorded in the same transaction as its effect.
CREATE TABLE inbox (
  event_id     UUID        PRIMARY KEY,
  type         TEXT        NOT NULL,
  clone_id     UUID        NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
