/**
 * What makes a Spring Boot application a HotClone service: {@link
 * io.hotclone.support.app.ServiceDefaults} (its consumer group, schema, topics, dead-letter topic as
 * lowest-precedence defaults) and {@link io.hotclone.support.app.ServiceConfiguration} (outbox,
 * relay, inbox, consumer function, clock).
 */
package io.hotclone.support.app;
