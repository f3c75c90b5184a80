/**
 * transfer-service: copies the frozen memory, vCPU and device state of the source to the target
 * host, one image per clone (step 3), and removes half-made targets when a clone fails. Reacts to
 * {@code MemoryFrozen} and {@code CloneFailed}.
 */
package io.hotclone.transfer;
