/**
 * storage-service: freezes and unfreezes VM storage (steps 1 and 5), creates each clone's storage
 * pointer over the frozen shared base (step 7), and records pointers and bases in its own schema.
 * Reacts to {@code CloneRequested}, {@code MemoryUnfrozen} and {@code CloneFailed}.
 */
package io.hotclone.storage;
