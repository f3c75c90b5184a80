-- Issue 23: placement under concurrent requests. clone_memory_bytes is the memory of each clone of
-- the operation (its source's memory when it was requested; NULL for operations from before). An
-- operation in progress that has not configured its clones yet holds that memory on the hosts of
-- its clones (target_hosts, else target_host): placement subtracts it from their room.
ALTER TABLE clone_operations ADD COLUMN clone_memory_bytes BIGINT;
