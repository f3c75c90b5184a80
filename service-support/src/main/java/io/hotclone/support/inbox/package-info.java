/**
 * Inbox: the event ids a service has processed, recorded in the same transaction as the effect, so
 * a redelivered or duplicated event is skipped (invariant I6).
 */
package io.hotclone.support.inbox;
