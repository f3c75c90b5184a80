package io.hotclone.api.messaging;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Failure;
import io.hotclone.api.domain.Progress;
import io.hotclone.api.publishing.CloudEventEncoding;
import io.hotclone.api.publishing.PublicCloudEvent;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.Requester;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps clone operations to the public lifecycle events, built and encoded with the CloudEvents SDK:
 * the Kafka protocol binding in structured mode, JSON event format ({@code specversion}, {@code
 * id}, {@code source}, {@code type}, {@code subject} = clone id, {@code time}, {@code
 * datacontenttype}, {@code data}, extension {@code partitionkey} = clone id). The binding's
 * {@code content-type} header ({@code application/cloudevents+json}) travels with the body through
 * the outbox, so the SDK's {@code CloudEventDeserializer} reads every record. The id of each event is derived from the clone id
 * and the type, so a repeat of the same lifecycle event is the same event (the outbox keeps one).
 * Every event carries, for audit, {@code data.principal} {@code {subject, tenant, keyId}} (who asked
 * for the clone; {@code keyId} null for a JWT) and the CloudEvents extension attribute {@code
 * tenant} (absent when the requester has none).
 */
public final class LifecycleCloudEvents {

  public static final String SPEC_VERSION = "1.0";
  public static final String SOURCE = CloudEventEncoding.SOURCE;
  public static final String REQUESTED = "io.hotclone.clone.requested";
  public static final String COMPLETED = "io.hotclone.clone.completed";
  public static final String FAILED = "io.hotclone.clone.failed";

  /** The Kafka binding's header that marks a structured-mode record. */
  public static final String CONTENT_TYPE_HEADER = CloudEventEncoding.CONTENT_TYPE_HEADER;

  private final JsonMapper json;

  public LifecycleCloudEvents(JsonMapper json) {
    this.json = json;
  }

  public PublicCloudEvent requested(CloneOperation op) {
    ObjectNode data = plan(op);
    return encode(op, REQUESTED, op.request().requestedAt(), data);
  }

  public PublicCloudEvent completed(CloneOperation op, Instant at) {
    ObjectNode data = plan(op);
    ArrayNode failedClones = data.putArray("failedClones");
    op.outcome().failedClones().forEach(f -> failedClones.add(json.valueToTree(f)));
    ArrayNode clones = data.putArray("clones");
    for (ConfiguredClone c : op.outcome().clones()) {
      clones.add(json.valueToTree(c));
    }
    timings(op, data);
    return encode(op, COMPLETED, at, data);
  }

  public PublicCloudEvent failed(CloneOperation op, Instant at) {
    ObjectNode data = plan(op);
    timings(op, data);
    Failure failure = op.outcome().failure();
    data.put("failedStep", failure == null ? null : failure.step());
    data.put("reason", failure == null ? null : failure.reason());
    return encode(op, FAILED, at, data);
  }

  /** The id of the lifecycle event of {@code type} for a clone: one per (clone, type). */
  public static UUID eventId(UUID cloneId, String type) {
    return UUID.nameUUIDFromBytes((cloneId + "/" + type).getBytes(StandardCharsets.UTF_8));
  }

  private ObjectNode plan(CloneOperation op) {
    ClonePlan plan = op.plan();
    Requester requester = op.request().requester();
    ObjectNode data = json.createObjectNode();
    data.put("cloneId", op.id().toString());
    data.put("sourceVm", plan.sourceVm());
    data.put("sourceHost", plan.sourceHost());
    data.put("targetHost", plan.targetHost());
    ArrayNode hosts = data.putArray("targetHosts");
    for (int i = 0; i < plan.count(); i++) {
      hosts.add(plan.hostFor(i));
    }
    if (op.request().placement() == null) {
      data.putNull("placement");
    } else {
      data.put("placement", op.request().placement());
    }
    data.put("partial", plan.partial());
    data.put("count", plan.count());
    ArrayNode names = data.putArray("names");
    plan.names().forEach(names::add);
    data.put("leaseMillis", plan.leaseMillis());
    data.put("requestedAt", op.request().requestedAt().toString());
    ObjectNode principal = data.putObject("principal");
    principal.put("subject", requester.subject());
    principal.put("tenant", requester.tenant());
    principal.put("keyId", requester.keyId());
    ObjectNode labels = data.putObject("labels");
    op.request().labels().forEach(labels::put);
    return data;
  }

  private void timings(CloneOperation op, ObjectNode data) {
    Progress progress = op.progress();
    ObjectNode timings = data.putObject("timings");
    for (Map.Entry<String, Long> e : progress.stepMillis().entrySet()) {
      timings.put(e.getKey(), e.getValue());
    }
    putLong(data, "totalMillis", op.totalMillis());
    if (progress.sourcePauseMicros() != null) { // not measured: absent, never 0
      data.put("sourcePauseMicros", progress.sourcePauseMicros().longValue());
    }
    putLong(data, "freezeMillis", progress.freezeMillis());
  }

  private static void putLong(ObjectNode node, String field, Long value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.longValue());
    }
  }

  private PublicCloudEvent encode(CloneOperation op, String type, Instant time, ObjectNode data) {
    return CloudEventEncoding.encode(json, eventId(op.id(), type), type, op.id().toString(), op.tenant(), time, data);
  }

}
