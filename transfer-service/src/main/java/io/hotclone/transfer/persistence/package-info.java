/** Transfer-service's state (schema {@code transfer}): the port the copy step uses and its PostgreSQL implementation. */
package io.hotclone.transfer.persistence;
