/**
 * One trace per clone across Kafka: the W3C {@code traceparent} of the span that writes an outbox
 * row is stored with the row and sent as the record's header; the consumer continues it, so every
 * service's work on a clone is one trace (Micrometer Tracing over OpenTelemetry).
 */
package io.hotclone.support.tracing;
