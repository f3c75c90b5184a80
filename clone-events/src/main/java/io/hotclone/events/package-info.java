/**
 * The event contracts of the clone saga: one {@link io.hotclone.events.EventEnvelope} for every
 * event, the payload records (past-tense names, no {@code Event} suffix), the registry that maps a
 * wire {@code type} to its payload, and the topic names. Consumers dispatch on the type string,
 * never on Java class names; unknown fields are ignored; contracts evolve only by adding fields.
 */
package io.hotclone.events;
