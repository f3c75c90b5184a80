-- The VM lifecycle as billing and audit read it (io.hotclone.vm.* CloudEvents): a VM's meter is
-- opened once (created, cloned or discovered: metered = true, created_at = that instant) and closed
-- once (deleted or gone: ended_at); state_seq numbers its state changes (the id of each
-- state-changed event derives from it). Sizes as the hypervisor last reported them.
ALTER TABLE vms
  ADD COLUMN metered    BOOLEAN     NOT NULL DEFAULT FALSE,
  ADD COLUMN ended_at   TIMESTAMPTZ,
  ADD COLUMN state_seq  INT         NOT NULL DEFAULT 0,
  ADD COLUMN vcpus      INT,
  ADD COLUMN memory_bytes BIGINT,
  ADD COLUMN disk_sizes JSONB;

-- VMs recorded before this version: their meters count as open, so a delete or loss closes them.
UPDATE vms SET metered = TRUE WHERE state <> 'GONE';
UPDATE vms SET ended_at = updated_at WHERE state = 'GONE';
