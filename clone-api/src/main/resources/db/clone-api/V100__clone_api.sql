-- clone-api's own tables (schema api). Other services never read them.

-- One row per clone operation; id is the clone id (the Kafka key of all its events).
CREATE TABLE clone_operations (
  id                  UUID        PRIMARY KEY,
  idempotency_key     TEXT        UNIQUE,
  source_vm           TEXT        NOT NULL,
  source_vm_name      TEXT,
  source_host         TEXT        NOT NULL,
  target_host         TEXT        NOT NULL,
  count               INT         NOT NULL CHECK (count BETWEEN 1 AND 64),
  names               JSONB       NOT NULL DEFAULT '[]',
  lease_millis        BIGINT      NOT NULL,
  phase               TEXT        NOT NULL,
  requested_at        TIMESTAMPTZ NOT NULL,
  updated_at          TIMESTAMPTZ NOT NULL,
  -- phase name -> instant it was reached, e.g. {"REQUESTED": "...", "STORAGE_FROZEN": "..."}
  step_times          JSONB       NOT NULL DEFAULT '{}',
  completed_at        TIMESTAMPTZ,
  failed_step         TEXT,
  failure_reason      TEXT,
  clones              JSONB       NOT NULL DEFAULT '[]',
  source_pause_micros BIGINT,
  freeze_millis       BIGINT
);
CREATE INDEX clone_operations_newest ON clone_operations (requested_at DESC);
CREATE INDEX clone_operations_source ON clone_operations (source_vm, requested_at DESC);
CREATE INDEX clone_operations_open ON clone_operations (requested_at)
  WHERE phase NOT IN ('COMPLETED', 'FAILED');

-- VM read model: identity and lineage of every VM seen (discovered, created, cloned).
-- state GONE marks a VM the hypervisor no longer knows.
CREATE TABLE vms (
  id              TEXT        PRIMARY KEY,
  host            TEXT        NOT NULL,
  name            TEXT,
  uuid            TEXT,
  mac             TEXT,
  ip              TEXT,
  hostname        TEXT,
  parent_vm       TEXT,
  root_vm         TEXT        NOT NULL,
  generation      INT         NOT NULL DEFAULT 0,
  clone_id        UUID,
  storage_pointer TEXT,
  state           TEXT        NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX vms_parent ON vms (parent_vm);
CREATE INDEX vms_name ON vms (name);

-- Hosts as the hypervisor driver reported them at startup (and on every refresh).
CREATE TABLE hosts (
  name        TEXT        PRIMARY KEY,
  driver      TEXT        NOT NULL,
  uri         TEXT,
  reachable   BOOLEAN     NOT NULL,
  running_vms INT,
  updated_at  TIMESTAMPTZ NOT NULL
);
