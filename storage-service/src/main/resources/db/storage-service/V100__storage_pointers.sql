-- Where every VM's disk lives in shared storage (the patent's first and second pointers), and the
-- frozen bases they share. A base is referenced by the original's pointer and every clone's.
CREATE TABLE frozen_bases (
  base_ref      TEXT        PRIMARY KEY,
  source_vm     TEXT        NOT NULL,
  clone_id      UUID        NOT NULL,
  frozen_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE storage_pointers (
  id            TEXT        PRIMARY KEY,
  vm_id         TEXT,
  host          TEXT        NOT NULL,
  location      TEXT        NOT NULL,
  base_ref      TEXT,
  kind          TEXT        NOT NULL CHECK (kind IN ('ORIGINAL', 'CLONE')),
  clone_id      UUID        NOT NULL,
  clone_index   INT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX storage_pointers_base ON storage_pointers (base_ref);
CREATE INDEX storage_pointers_vm ON storage_pointers (vm_id);
