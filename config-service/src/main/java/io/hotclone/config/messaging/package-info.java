/** The configure step of the saga (identity, define, start, lineage), subscribed by the saga table. */
package io.hotclone.config.messaging;
