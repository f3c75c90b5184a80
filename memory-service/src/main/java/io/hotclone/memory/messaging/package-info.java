/** The memory steps of the saga, subscribed by the saga table (memory_freezes is kept in {@code persistence}). */
package io.hotclone.memory.messaging;
