-- Labels ({"key": "value"}, see io.hotclone.api.labels.Labels) of VMs and of clone requests, and
-- the orders the paged lists read in.
--   vms.labels:              a VM's labels: set at POST /api/v1/vms; a clone's are its source's
--                            overlaid with its request's; '{}' for VMs no request labelled
--   clone_operations.labels: the labels the clone request asked for its clones
ALTER TABLE vms ADD COLUMN labels JSONB NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE clone_operations ADD COLUMN labels JSONB NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX vms_labels ON vms USING gin (labels jsonb_path_ops);
CREATE INDEX clone_operations_labels ON clone_operations USING gin (labels jsonb_path_ops);
-- GET /api/v1/clones pages newest first: (requested_at DESC, id)
CREATE INDEX clone_operations_page ON clone_operations (tenant, requested_at DESC, id);
