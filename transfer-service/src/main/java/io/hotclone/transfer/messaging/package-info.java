/** The copy step of the saga, subscribed by the saga table (the transfers record is kept in {@code persistence}). */
package io.hotclone.transfer.messaging;
