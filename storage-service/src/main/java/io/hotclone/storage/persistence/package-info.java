/**
 * Storage-service's state (schema {@code storage}): the ports the steps use ({@link
 * io.hotclone.storage.persistence.FreezeQueue}, {@link
 * io.hotclone.storage.persistence.StoragePointers}) and their PostgreSQL implementations.
 */
package io.hotclone.storage.persistence;
