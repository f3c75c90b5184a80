/**
 * Infrastructure every HotClone service shares and none of their domain: the transactional outbox
 * and its relay, the inbox, consumption of saga events with dead-lettering, and wiring of the
 * hypervisor driver. Services depend on this module, on {@code clone-events} and on {@code
 * hypervisor}, never on each other.
 */
package io.hotclone.support;
