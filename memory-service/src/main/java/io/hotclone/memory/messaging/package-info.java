/** The memory steps of the saga and the memory_freezes record. */
package io.hotclone.memory.messaging;
