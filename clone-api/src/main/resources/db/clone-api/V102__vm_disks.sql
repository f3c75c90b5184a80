-- The storage pointer of every disk of a clone (VMs with several disks), in device order, as the
-- clone's CloneConfigured carried it: the lineage of each disk (which frozen base it reads).
CREATE TABLE vm_disks (
  vm_id       TEXT NOT NULL,
  position    INT  NOT NULL,
  device      TEXT NOT NULL,
  pointer_id  TEXT NOT NULL,
  location    TEXT,
  base_ref    TEXT,
  PRIMARY KEY (vm_id, position)
);
