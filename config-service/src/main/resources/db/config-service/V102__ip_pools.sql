-- Clones' IPs come from per-host-network pools (configuration), no longer from a sequence: an
-- identity records the network it was allocated from and the rest of its IP configuration.
ALTER TABLE identities ADD COLUMN network TEXT;
ALTER TABLE identities ADD COLUMN prefix_length INT NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN gateway TEXT;
DROP SEQUENCE IF EXISTS ip_host_seq;
