-- Issue 23: pool events (io.hotclone.api.pools.events). The counts last published as
-- io.hotclone.pool.counts-changed and their sequence number, so the reconciler of any instance
-- publishes a change once (it updates these with the pool row locked, in the event's transaction).
ALTER TABLE pools ADD COLUMN published_ready    INT;
ALTER TABLE pools ADD COLUMN published_creating INT;
ALTER TABLE pools ADD COLUMN published_claimed  INT;
ALTER TABLE pools ADD COLUMN counts_sequence    BIGINT NOT NULL DEFAULT 0;
