-- Issue 10: tenants, audit principal, API keys, idempotency fingerprints.

-- Rows from before tenants belong to the tenant of VMs found on the hypervisor
-- (hotclone.security.discovered-vm-tenant, passed as the Flyway placeholder "tenant"), so a kept
-- data directory's VMs and operations stay visible to that tenant; the application always sets it.
ALTER TABLE clone_operations ADD COLUMN tenant TEXT NOT NULL DEFAULT '${tenant}';
ALTER TABLE clone_operations ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE clone_operations ADD COLUMN requested_by TEXT;
ALTER TABLE clone_operations ADD COLUMN key_id TEXT;
-- SHA-256 of the canonical request body: the same Idempotency-Key with another body is refused
ALTER TABLE clone_operations ADD COLUMN request_fingerprint TEXT;
-- an Idempotency-Key is unique per tenant, not across tenants
ALTER TABLE clone_operations DROP CONSTRAINT clone_operations_idempotency_key_key;
CREATE UNIQUE INDEX clone_operations_tenant_key ON clone_operations (tenant, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX clone_operations_tenant_open ON clone_operations (tenant)
  WHERE phase NOT IN ('COMPLETED', 'FAILED');

ALTER TABLE vms ADD COLUMN tenant TEXT NOT NULL DEFAULT '${tenant}';
ALTER TABLE vms ALTER COLUMN tenant DROP DEFAULT;
CREATE INDEX vms_tenant ON vms (tenant);

-- API keys: only a SHA-256 of the secret is kept. A key is "hc_<id>_<secret>".
CREATE TABLE api_keys (
  id          TEXT        PRIMARY KEY,
  tenant      TEXT        NOT NULL,
  subject     TEXT        NOT NULL,
  scopes      TEXT        NOT NULL,
  secret_hash TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_tenant ON api_keys (tenant);
