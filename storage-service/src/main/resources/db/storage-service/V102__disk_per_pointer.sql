-- VMs with several disks: every disk has its own frozen base and its own pointer per VM. The
-- device name (vda, vdb, ...; disk0 for drivers that do not name devices) says which disk a row
-- is; rows written before multi-disk VMs keep NULL (the VM's one disk).
ALTER TABLE frozen_bases ADD COLUMN disk TEXT;
ALTER TABLE storage_pointers ADD COLUMN disk TEXT;
