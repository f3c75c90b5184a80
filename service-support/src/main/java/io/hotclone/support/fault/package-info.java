/**
 * Fault injection for the crash-window tests: a service started with {@code
 * hotclone.fault.halt-at=<point>} and the test-only switch {@code hotclone.fault.test-only=true}
 * stops dead at that point of its saga step or driver operation, so a test can kill the process
 * there with SIGKILL. Off unless both are configured; an unknown point name refuses to start.
 */
package io.hotclone.support.fault;
