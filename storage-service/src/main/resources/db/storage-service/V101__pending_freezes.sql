-- One storage freeze per VM at a time: a clone requested while another clone of the same VM holds
-- its freeze waits here, in request order, and starts when that freeze ends. Waiting does not
-- occupy a consumer thread, so the running clone's later steps are never starved.
CREATE TABLE pending_freezes (
  clone_id   UUID        PRIMARY KEY,
  vm_id      TEXT        NOT NULL,
  envelope   BYTEA       NOT NULL,
  queued_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pending_freezes_vm ON pending_freezes (vm_id, queued_at);
