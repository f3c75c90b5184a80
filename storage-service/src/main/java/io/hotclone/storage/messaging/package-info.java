/** The storage steps of the saga: freeze on {@code CloneRequested}, unfreeze and clone pointers on {@code MemoryUnfrozen}, release on {@code CloneFailed}, lease expiry. */
package io.hotclone.storage.messaging;
