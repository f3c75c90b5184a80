-- Every image of frozen memory + vCPU + device state copied to a target host, one per clone.
CREATE TABLE transfers (
  clone_id            UUID        NOT NULL,
  clone_index         INT         NOT NULL,
  source_vm           TEXT        NOT NULL,
  target_host         TEXT        NOT NULL,
  image_ref           TEXT        NOT NULL,
  bytes               BIGINT      NOT NULL,
  pages_copied        BIGINT      NOT NULL,
  zero_pages_skipped  BIGINT      NOT NULL,
  checksum            TEXT        NOT NULL,
  copied_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  released_at         TIMESTAMPTZ,
  PRIMARY KEY (clone_id, clone_index)
);
