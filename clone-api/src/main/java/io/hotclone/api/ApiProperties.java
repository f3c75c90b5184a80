package io.hotclone.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hotclone.api.*}.
 *
 * @param operationTimeout an operation not terminal this long after its request is failed
 * @param ssePollInterval how often an SSE stream looks for a phase change
 * @param maxInFlight clone operations in flight (not COMPLETED or FAILED) of all tenants together;
 *     a request beyond it is answered 429
 * @param maxInFlightPerTenant the same limit for each tenant
 * @param retryAfter the {@code Retry-After} of a 429 (whole seconds, at least 1)
 * @param maxBodyBytes the largest request body accepted; larger is 413
 * @param coalesceWaitingRequests requests of a source that is being cloned wait in clone-api and
 *     those that can share a freeze are served by one saga when the source's storage is unfrozen
 *     ({@link io.hotclone.api.messaging.WaitingRequests}); false: each is its own saga at once,
 *     storage-service runs their freezes one after another
 */
@ConfigurationProperties("hotclone.api")
public record ApiProperties(
    @DefaultValue("60s") Duration operationTimeout,
    @DefaultValue("100ms") Duration ssePollInterval,
    @DefaultValue("256") int maxInFlight,
    @DefaultValue("64") int maxInFlightPerTenant,
    @DefaultValue("2s") Duration retryAfter,
    @DefaultValue("16384") int maxBodyBytes,
    @DefaultValue("true") boolean coalesceWaitingRequests) {}
