-- Issue 22: signed webhooks. A tenant's endpoints, and one delivery row per (event, endpoint)
-- written in the transaction that appends the event to the outbox, so deliveries survive a restart.

-- secret: the Standard Webhooks secret (whsec_...). Kept as it is: HMAC signing needs the key
--   itself (unlike an API key, a hash would not do); it is returned only by the POST that made it.
-- consecutive_failures: failed attempts since the last delivered one; at the configured number
--   the endpoint is disabled (disabled_at, disabled_reason) and nothing is sent to it any more.
CREATE TABLE webhook_endpoints (
  id                   UUID        PRIMARY KEY,
  tenant               TEXT        NOT NULL,
  url                  TEXT        NOT NULL,
  types                TEXT[]      NOT NULL,
  secret               TEXT        NOT NULL,
  created_at           TIMESTAMPTZ NOT NULL,
  created_by           TEXT,
  consecutive_failures INT         NOT NULL DEFAULT 0,
  disabled_at          TIMESTAMPTZ,
  disabled_reason      TEXT
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant, created_at);

-- One event for one endpoint. id orders the deliveries of an endpoint; ordering_key is the event's
-- Kafka key (clone id / VM id): a delivery is attempted only when no older PENDING delivery of the
-- same endpoint and key exists. next_attempt_at also serves as the claim: a sender sets it to the
-- end of its request timeout while it sends, so a sender that dies leaves the row to another.
CREATE TABLE webhook_deliveries (
  id               BIGSERIAL   PRIMARY KEY,
  endpoint_id      UUID        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         UUID        NOT NULL,
  type             TEXT        NOT NULL,
  ordering_key     UUID        NOT NULL,
  body             BYTEA       NOT NULL,
  status           TEXT        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts         INT         NOT NULL DEFAULT 0,
  last_status_code INT,
  last_error       TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  last_attempt_at  TIMESTAMPTZ,
  next_attempt_at  TIMESTAMPTZ,
  ended_at         TIMESTAMPTZ,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_key ON webhook_deliveries (endpoint_id, ordering_key, id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC);
