-- A freeze is a lease: registered before the hypervisor call (the undo is recorded before the do),
-- released by the saga, by compensation, or by the watchdog when lease_until has passed.
CREATE TABLE freeze_leases (
  clone_id    UUID        PRIMARY KEY,
  vm_id       TEXT        NOT NULL,
  plan        TEXT        NOT NULL,
  state       TEXT        NOT NULL CHECK (state IN ('FREEZING', 'FROZEN', 'THAWED', 'RELEASED')),
  lease_until TIMESTAMPTZ NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  frozen_at   TIMESTAMPTZ,
  ended_at    TIMESTAMPTZ,
  reason      TEXT
);
CREATE INDEX freeze_leases_held ON freeze_leases (lease_until) WHERE state IN ('FREEZING', 'FROZEN');
