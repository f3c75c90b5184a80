/** Identities and lineage (schema {@code config}). */
package io.hotclone.config.persistence;
