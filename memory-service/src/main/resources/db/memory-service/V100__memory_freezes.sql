-- Per clone operation: the memory freeze as the hypervisor reported it (tier order, cut, pause)
-- and the merge that ended it. The lease itself is in freeze_leases.
CREATE TABLE memory_freezes (
  clone_id      UUID        PRIMARY KEY,
  vm_id         TEXT        NOT NULL,
  tier_order    TEXT        NOT NULL,
  cut_at        TIMESTAMPTZ NOT NULL,
  pause_micros  BIGINT      NOT NULL,
  memory_bytes  BIGINT      NOT NULL,
  merged_pages  BIGINT,
  thawed_at     TIMESTAMPTZ
);
