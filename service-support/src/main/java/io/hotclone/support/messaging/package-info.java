/**
 * Consumption of saga events and the shape of a saga step: decoding the envelope, skipping types
 * this version does not know, dead-lettering poison messages, dispatching to a service's handlers
 * by the saga table ({@link io.hotclone.support.messaging.SagaHandlers}), and running each step
 * undo first ({@link io.hotclone.support.messaging.StepRun}) with typed failures ({@link
 * io.hotclone.support.messaging.StepFailure}) and typed hypervisor operation ids ({@link
 * io.hotclone.support.messaging.StepOperation}).
 */
package io.hotclone.support.messaging;
