/**
 * The hypervisor driver SPI: the operations of the hot-clone method (freeze storage, freeze memory
 * slowest tier first, copy frozen state to a target host, unfreeze memory by merging buffered
 * writes, unfreeze storage, clone storage pointer, configure and start the clone) with typed
 * results and a sealed family of failures. Every operation is idempotent by its {@link
 * io.hotclone.hypervisor.OperationId} (both drivers through one {@link
 * io.hotclone.hypervisor.OperationJournal}); every freeze is a lease the driver itself releases
 * when it expires. Implementations: {@code embedded} (reference, in the JVM) and {@code libvirt}.
 */
package io.hotclone.hypervisor;
