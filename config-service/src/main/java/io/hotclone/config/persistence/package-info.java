/** Identities and lineage (schema {@code config}): the ports the steps use and their PostgreSQL implementations. */
package io.hotclone.config.persistence;
