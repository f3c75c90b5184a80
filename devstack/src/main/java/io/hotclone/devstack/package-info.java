/**
 * devstack: the whole suite in one JVM for a laptop or CI: a real KRaft Kafka broker, a real
 * PostgreSQL server (data kept between runs), one shared embedded hypervisor with hosts {@code
 * host-a} and {@code host-b} and a running demo VM, and the five services, each in its own child
 * application context with its own consumer group, schema and configuration.
 */
package io.hotclone.devstack;
