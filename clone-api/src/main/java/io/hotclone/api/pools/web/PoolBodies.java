package io.hotclone.api.pools.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** The request bodies of the pool endpoints. */
public final class PoolBodies {

  private PoolBodies() {}

  /** {@code POST /api/v1/pools}. */
  public record Create(
      @Schema(description = "a DNS label, unique among the tenant's pools", requiredMode = Schema.RequiredMode.REQUIRED) String name,
      @Schema(description = "id or name of the running VM the pool's clones copy", requiredMode = Schema.RequiredMode.REQUIRED)
          String sourceVm,
      @Schema(description = "how many ready clones the pool keeps", requiredMode = Schema.RequiredMode.REQUIRED) Integer minReady,
      @Schema(description = "the most ready + creating clones the pool holds (default minReady)") Integer maxSize,
      @Schema(description = "spread or pack (stored; used once clone requests are placed across hosts)") String placement,
      @Schema(description = "require-agent, isolate or allow (default: the deployment's)") String identityPolicy,
      @Schema(description = "ISO-8601 duration: ready clones older than this are replaced", example = "PT30M") String maxAge,
      Map<String, String> labels) {}

  /** {@code PUT /api/v1/pools/{name}}: null fields stay as they are. */
  public record Resize(Integer minReady, Integer maxSize) {}

  /** {@code PUT /api/v1/pools/{name}/scale}: {@code replicas} is {@code minReady}. */
  public record Scale(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Integer replicas) {}

  /** {@code POST /api/v1/pools/{name}/claims}: labels the claimed VM gets on top of the pool's. */
  public record Claim(Map<String, String> labels) {}
}
