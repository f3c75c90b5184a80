-- Issue 23: placement. A request without targetHost is placed by a policy (spread, pack) over the
-- hosts: target_hosts holds the host of each clone by index (NULL: every clone on target_host, as a
-- request that named its host); target_host stays clone 0's host. partial: each clone settles on
-- its own (failed ones are removed and listed in failed_clones), otherwise all or nothing.
ALTER TABLE clone_operations
  ADD COLUMN target_hosts  JSONB,
  ADD COLUMN placement     TEXT,
  ADD COLUMN partial       BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN failed_clones JSONB;
