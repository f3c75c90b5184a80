/**
 * The clone operation as pure logic, free of Spring and of any I/O: the {@link
 * io.hotclone.api.domain.CloneOperation operation} in three parts ({@link
 * io.hotclone.api.domain.Request what was asked}, its {@link io.hotclone.api.domain.Progress
 * progress}, its {@link io.hotclone.api.domain.Outcome outcome}) that applies one event at a time
 * and returns a {@link io.hotclone.api.domain.Change}; its {@link io.hotclone.api.domain.Phase
 * phases}, mapped onto the saga table's steps; the {@link
 * io.hotclone.api.domain.CloneOperationStateMachine state machine} that maps (phase, event) to (new
 * phase, actions) and never moves a phase backwards or out of a terminal phase; the step timings
 * derived from the phase timestamps, keyed by the steps' wire names; and the rules a clone request
 * must satisfy before it touches the hypervisor. Everything here is tested in plain JUnit.
 */
package io.hotclone.api.domain;
