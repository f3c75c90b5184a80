/** Memory-service's state (schema {@code memory}): the port the steps use and its PostgreSQL implementation. */
package io.hotclone.memory.persistence;
