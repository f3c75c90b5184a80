package io.hotclone.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hotclone.api.*}.
 *
 * @param operationTimeout an operation not terminal this long after its request is failed
 * @param ssePollInterval how often an SSE stream looks for a phase change
 */
@ConfigurationProperties("hotclone.api")
public record ApiProperties(
    @DefaultValue("60s") Duration operationTimeout, @DefaultValue("100ms") Duration ssePollInterval) {}
