/** The configure step of the saga: identity, define, start, lineage; and VM discovery at start-up. */
package io.hotclone.config.messaging;
