/**
 * Consumption of saga events: decoding the envelope, skipping types this version does not know,
 * dead-lettering poison messages, and handing the rest to the service's {@link
 * io.hotclone.support.messaging.SagaEventHandler}.
 */
package io.hotclone.support.messaging;
