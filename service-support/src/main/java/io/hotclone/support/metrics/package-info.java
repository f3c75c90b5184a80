/**
 * Prometheus meters every service shares: outbox lag and inbox size, dead letters, lease expiries
 * and the latency of each hypervisor driver call (a timing decorator around the {@code Hypervisor}
 * SPI). Scraped at {@code /actuator/prometheus}.
 */
package io.hotclone.support.metrics;
