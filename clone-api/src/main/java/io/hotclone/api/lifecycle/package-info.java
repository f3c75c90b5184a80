/**
 * The VM lifecycle as billing and audit systems read it: every VM that exists has one event that
 * opens its meter ({@code io.hotclone.vm.created}, {@code .cloned}, {@code .discovered}) and one
 * that closes it ({@code .deleted}, {@code .gone}), and one {@code .state-changed} per state the
 * hypervisor reports in between. {@link io.hotclone.api.lifecycle.VmMeter} (pure) decides which event a
 * change of the read model's row causes; {@link io.hotclone.api.lifecycle.VmLifecycle} applies it
 * to the row and publishes the CloudEvent through the outbox in the same transaction, keyed by
 * the VM id so one VM's events stay in order.
 */
package io.hotclone.api.lifecycle;
