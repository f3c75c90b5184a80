/**
 * Hand-written stand-ins for the unit tests of service-support: a Kafka producer a {@code
 * KafkaTemplate} can use without a broker, an in-memory tracer, a JDBC template that records its
 * statements, a transaction manager without a database.
 */
package io.hotclone.support.testing;
