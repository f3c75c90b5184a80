package io.hotclone.api.lifecycle;

import io.hotclone.api.publishing.PublicCloudEvent;
import io.hotclone.api.publishing.CloudEventEncoding;
import io.hotclone.api.messaging.LifecycleCloudEvents;
import io.hotclone.events.Requester;
import io.hotclone.hypervisor.DiskSize;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes {@link VmLifecycleEvent}s as CloudEvents with the SDK, like the clone events: subject and
 * {@code partitionkey} the VM id, extension {@code tenant}, {@code time} the event's instant, {@code
 * data} every field of the event plus {@code meter} ({@code open}, {@code close}, {@code none}).
 */
final class VmLifecycleCloudEvents {

  private final JsonMapper json;

  VmLifecycleCloudEvents(JsonMapper json) {
    this.json = json;
  }

  PublicCloudEvent encode(VmLifecycleEvent e) {
    return CloudEventEncoding.encode(json, e.id(), e.type().type(), e.vmId(), e.tenant(), e.at(), data(e));
  }

  ObjectNode data(VmLifecycleEvent e) {
    ObjectNode data = json.createObjectNode();
    data.put("vmId", e.vmId());
    data.put("name", e.name());
    data.put("host", e.host());
    data.put("tenant", e.tenant());
    data.put("meter", e.type().meter().name().toLowerCase(java.util.Locale.ROOT));
    Requester p = e.principal();
    if (p == null) {
      data.putNull("principal");
    } else {
      ObjectNode principal = data.putObject("principal");
      principal.put("subject", p.subject());
      principal.put("tenant", p.tenant());
      principal.put("keyId", p.keyId());
    }
    if (e.vcpus() == null) {
      data.putNull("vcpus");
    } else {
      data.put("vcpus", e.vcpus().intValue());
    }
    if (e.memoryBytes() == null) {
      data.putNull("memoryBytes");
    } else {
      data.put("memoryBytes", e.memoryBytes().longValue());
    }
    ArrayNode disks = data.putArray("disks");
    for (DiskSize d : e.disks()) {
      disks.addObject().put("device", d.device()).put("bytes", d.bytes());
    }
    ObjectNode labels = data.putObject("labels");
    for (Map.Entry<String, String> l : new java.util.TreeMap<>(e.labels()).entrySet()) {
      labels.put(l.getKey(), l.getValue());
    }
    data.put("parentVm", e.parentVm());
    data.put("rootVm", e.rootVm());
    data.put("generation", e.generation());
    data.put("cloneId", e.cloneId() == null ? null : e.cloneId().toString());
    data.put("state", e.state());
    data.put("previousState", e.previousState());
    data.put("reason", e.reason());
    data.put("at", e.at().toString());
    data.put("sequence", e.seq());
    return data;
  }
}
