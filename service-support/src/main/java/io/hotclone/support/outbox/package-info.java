/**
 * Transactional outbox: {@link io.hotclone.support.outbox.Outbox#append} writes an event in the
 * caller's database transaction; {@link io.hotclone.support.outbox.OutboxRelay} publishes committed
 * rows to Kafka afterwards (woken on commit, polling as a fallback) and marks them published. An
 * event is published at least once; consumers deduplicate by event id. Both reach the table through
 * {@link io.hotclone.support.outbox.OutboxRows} ({@link io.hotclone.support.outbox.JdbcOutboxRows}
 * in PostgreSQL).
 */
package io.hotclone.support.outbox;
