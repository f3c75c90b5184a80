/**
 * clone-api's own PostgreSQL tables (schema {@code api}) behind small JDBC repositories: {@link
 * io.hotclone.api.persistence.CloneOperations} (the operations and their phases), {@link
 * io.hotclone.api.persistence.Vms} (the VM read model with lineage) and {@link
 * io.hotclone.api.persistence.Hosts}; plus the startup reconciliation that makes the read model agree
 * with what the hypervisor reports. Writes that must commit together with outbox events are made in
 * the caller's transaction.
 */
package io.hotclone.api.persistence;
