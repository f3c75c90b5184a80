/**
 * The REST API under {@code /api/v1}: clone operations (request with an optional {@code
 * Idempotency-Key}, status, list, Server-Sent Events of phase changes), VMs (live from the
 * hypervisor joined with the read model, lineage, creation) and hosts. Every error is an RFC 9457
 * problem detail ({@code application/problem+json}) with a machine-readable {@code code}.
 */
package io.hotclone.api.api;
