package io.hotclone.api.pools.events;

import io.hotclone.api.pools.PoolCounts;
import io.hotclone.api.publishing.CloudEventEncoding;
import io.hotclone.api.publishing.PublicCloudEvent;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes {@link PoolEvent}s as CloudEvents like the VM and clone events: subject and {@code
 * partitionkey} the pool id, extension {@code tenant}, {@code time} the event's instant, {@code data}
 * every field of the event ({@code null} where the type has none; counts as {@code ready}, {@code
 * creating}, {@code claimed} and {@code previous{…}}).
 */
public final class PoolCloudEvents {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private PoolCloudEvents() {}

  public static PublicCloudEvent encode(PoolEvent e) {
    return CloudEventEncoding.encode(JSON, e.id(), e.type().type(), e.poolId().toString(), e.tenant(), e.at(), data(e));
  }

  static ObjectNode data(PoolEvent e) {
    ObjectNode d = JSON.createObjectNode();
    d.put("poolId", e.poolId().toString());
    d.put("pool", e.pool());
    d.put("tenant", e.tenant());
    d.put("operationId", e.operationId() == null ? null : e.operationId().toString());
    d.put("count", e.count());
    strings(d, "hosts", e.hosts());
    strings(d, "clones", e.clones());
    d.put("reason", e.reason());
    d.put("failures", e.failures());
    d.put("nextRetryAt", e.nextRetryAt() == null ? null : e.nextRetryAt().toString());
    d.put("ready", e.counts() == null ? null : e.counts().ready());
    d.put("creating", e.counts() == null ? null : e.counts().creating());
    d.put("claimed", e.counts() == null ? null : e.counts().claimed());
    PoolCounts p = e.previous();
    if (p == null) {
      d.putNull("previous");
    } else {
      d.putObject("previous").put("ready", p.ready()).put("creating", p.creating()).put("claimed", p.claimed());
    }
    d.put("sequence", e.sequence());
    d.put("at", e.at().toString());
    return d;
  }

  private static void strings(ObjectNode d, String field, List<String> values) {
    if (values == null) {
      d.putNull(field);
      return;
    }
    ArrayNode a = d.putArray(field);
    values.forEach(a::add);
  }
}
