/**
 * Fault injection for the crash-window tests: a service started with {@code
 * hotclone.fault.halt-at=<point>} stops dead at that point of its saga step, so a test can kill the
 * process there with SIGKILL. Off unless configured.
 */
package io.hotclone.support.fault;
