/**
 * The clone operation as pure logic, free of Spring and of any I/O: its {@link
 * io.hotclone.api.domain.Phase phases}, the {@link io.hotclone.api.domain.CloneOperationStateMachine
 * state machine} that maps (phase, event) to (new phase, actions) and never moves a phase backwards
 * or out of a terminal phase, the step timings derived from the phase timestamps, and the rules a
 * clone request must satisfy before it touches the hypervisor. Everything here is tested in plain
 * JUnit.
 */
package io.hotclone.api.domain;
