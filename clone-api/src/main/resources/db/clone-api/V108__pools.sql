-- Issue 23: warm clone pools (io.hotclone.api.pools). A pool keeps min_ready standby clones of its
-- source (running, identity applied, links down); a claim hands one out. Rows, so pools survive
-- restarts of every process; the reconciler of any clone-api instance locks a pool row
-- (FOR UPDATE SKIP LOCKED) to refill it.
--   pools:        one per (tenant, name) while not deleted; deleted_at set by DELETE (drain), the
--                 row is removed once nothing of it is in flight or ready
--   pool_refills: one clone operation (one freeze, count clones) a refill requested; state
--                 IN_FLIGHT until the operation ends (COMPLETED / FAILED)
--   pool_members: a clone a refill made: READY (the pool's) or CLAIMED (the claimer's, an ordinary VM)
CREATE TABLE pools (
  id               UUID        PRIMARY KEY,
  tenant           TEXT        NOT NULL,
  name             TEXT        NOT NULL,
  source_vm        TEXT        NOT NULL,
  min_ready        INT         NOT NULL CHECK (min_ready >= 0),
  max_size         INT         NOT NULL CHECK (max_size >= min_ready),
  placement        TEXT,
  identity_policy  TEXT,
  max_age_millis   BIGINT,
  labels           JSONB       NOT NULL DEFAULT '{}'::jsonb,
  created_by       TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL,
  deleted_at       TIMESTAMPTZ,
  refill_failures  INT         NOT NULL DEFAULT 0,
  next_refill_at   TIMESTAMPTZ,
  last_failure     TEXT
);
CREATE UNIQUE INDEX pools_tenant_name ON pools (tenant, name) WHERE deleted_at IS NULL;
CREATE INDEX pools_page ON pools (tenant, name);

CREATE TABLE pool_refills (
  operation_id  UUID        PRIMARY KEY,
  pool_id       UUID        NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  count         INT         NOT NULL,
  state         TEXT        NOT NULL,
  requested_at  TIMESTAMPTZ NOT NULL,
  ended_at      TIMESTAMPTZ
);
CREATE INDEX pool_refills_in_flight ON pool_refills (pool_id) WHERE state = 'IN_FLIGHT';

CREATE TABLE pool_members (
  vm_id         TEXT        PRIMARY KEY,
  pool_id       UUID        NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  operation_id  UUID        NOT NULL,
  state         TEXT        NOT NULL,
  ready_at      TIMESTAMPTZ NOT NULL,
  claimed_at    TIMESTAMPTZ,
  claimed_by    TEXT
);
CREATE INDEX pool_members_ready ON pool_members (pool_id, ready_at) WHERE state = 'READY';
