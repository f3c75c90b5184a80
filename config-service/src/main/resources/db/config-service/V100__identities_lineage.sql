-- Identities handed to clones. Name, UUID, MAC and IP are unique among live VMs (invariant I5);
-- an identity is allocated once per (clone operation, index) and reused on redelivery.
CREATE SEQUENCE ip_host_seq START 10;

CREATE TABLE identities (
  clone_id      UUID        NOT NULL,
  clone_index   INT         NOT NULL,
  vm_id         TEXT,
  name          TEXT        NOT NULL,
  uuid          UUID        NOT NULL,
  mac           TEXT        NOT NULL,
  ip            TEXT        NOT NULL,
  hostname      TEXT        NOT NULL,
  smbios_serial TEXT        NOT NULL,
  generation_id UUID        NOT NULL,
  live          BOOLEAN     NOT NULL DEFAULT TRUE,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (clone_id, clone_index)
);
CREATE UNIQUE INDEX identities_live_name ON identities (name) WHERE live;
CREATE UNIQUE INDEX identities_live_uuid ON identities (uuid) WHERE live;
CREATE UNIQUE INDEX identities_live_mac ON identities (mac) WHERE live;
CREATE UNIQUE INDEX identities_live_ip ON identities (ip) WHERE live;

-- Clone lineage (invariant I7): every clone's parent, root, generation, the operation that made it,
-- and the storage it depends on.
CREATE TABLE lineage (
  child_vm      TEXT        PRIMARY KEY,
  parent_vm     TEXT        NOT NULL,
  root_vm       TEXT        NOT NULL,
  generation    INT         NOT NULL,
  clone_id      UUID        NOT NULL,
  clone_index   INT         NOT NULL,
  host          TEXT        NOT NULL,
  pointer_id    TEXT        NOT NULL,
  base_ref      TEXT        NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX lineage_parent ON lineage (parent_vm);
