/**
 * clone-api's web layer, the REST API under {@code /api/v1}: controllers for clone operations
 * (request with an optional {@code Idempotency-Key}, status, list, Server-Sent Events of phase
 * changes), VMs (live from the hypervisor joined with the read model, lineage, creation), hosts and
 * API keys; the JSON views they return; admission and the request filters (body limit, trace id).
 * Every error is an RFC 9457 problem detail ({@code application/problem+json}) with a
 * machine-readable {@code code}.
 */
package io.hotclone.api.web;
