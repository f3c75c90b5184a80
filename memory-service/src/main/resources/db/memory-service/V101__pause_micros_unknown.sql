-- The guest's pause for the cut is unknown when the hypervisor could not measure it (the libvirt
-- driver missed the pause/resume events): stored as NULL, never as 0.
ALTER TABLE memory_freezes ALTER COLUMN pause_micros DROP NOT NULL;
