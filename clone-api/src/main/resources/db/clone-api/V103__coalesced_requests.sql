-- Requests of a source that is being cloned wait in clone-api and are coalesced into one saga
-- (one freeze) when the source's storage is unfrozen.
--   saga_id:         clone id of the saga serving the operation (the Kafka key of its saga events);
--                    its own id unless coalesced, NULL while the request waits for its turn
--   saga_offset:     index of the operation's first clone among the saga's clones
--   identity_policy: the request's identity policy (wire name; NULL = the deployment's default),
--                    kept until the request's CloneRequested is sent
--   traceparent:     the request's trace, continued when a waiting request is dispatched
ALTER TABLE clone_operations
  ADD COLUMN saga_id         UUID,
  ADD COLUMN saga_offset     INT NOT NULL DEFAULT 0,
  ADD COLUMN identity_policy TEXT,
  ADD COLUMN traceparent     TEXT;
UPDATE clone_operations SET saga_id = id;
CREATE INDEX clone_operations_saga ON clone_operations (saga_id);
CREATE INDEX clone_operations_source_open ON clone_operations (source_vm, requested_at)
  WHERE phase NOT IN ('COMPLETED', 'FAILED');
