package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.hotclone.events.Topics;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code hotclone.lifecycle} as a billing system reads it: a plain Kafka consumer with the
 * CloudEvents SDK's {@link CloudEventDeserializer}, nothing HotClone-specific. Every record on the
 * topic must be readable (a record without the binding's content-type header fails the poll).
 */
class BillingConsumerIT {

  @Test
  void aBillingSystemReadsTheCompletedCloneWithTheCloudEventsSdk() {
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    String id = op.path("id").asString();
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");

    ConsumerRecord<String, CloudEvent> completed;
    try (Billing billing = new Billing()) {
      billing.pollUntil(Duration.ofSeconds(20), () -> billing.find(id, "io.hotclone.clone.completed") != null);
      completed = billing.find(id, "io.hotclone.clone.completed");
    }

    assertThat(completed).as("completed CloudEvent of " + id).isNotNull();
    assertThat(completed.key()).isEqualTo(id);
    CloudEvent ce = completed.value();
    assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(ce.getType()).isEqualTo("io.hotclone.clone.completed");
    assertThat(ce.getSource().toString()).isEqualTo("/hotclone/clone-api");
    assertThat(ce.getSubject()).isEqualTo(id);
    assertThat(ce.getId()).isEqualTo(UUID.nameUUIDFromBytes((id + "/io.hotclone.clone.completed").getBytes()).toString());
    assertThat(ce.getExtension("partitionkey")).isEqualTo(id);
    assertThat(ce.getExtension("tenant")).isEqualTo("tenant-a");
    assertThat(ce.getDataContentType()).isEqualTo("application/json");
    JsonNode data = data(ce);
    assertThat(data.path("cloneId").asString()).isEqualTo(id);
    assertThat(data.path("sourceVm").asString()).isEqualTo(op.path("sourceVm").asString());
    assertThat(data.path("targetHost").asString()).isEqualTo("host-b");
    assertThat(data.path("count").asInt()).isEqualTo(1);
    assertThat(data.path("clones")).hasSize(1);
    assertThat(data.path("clones").get(0).path("vmId").asString()).isNotEmpty();
    assertThat(data.path("totalMillis").asLong()).isPositive();
    assertThat(data.path("principal").path("tenant").asString()).isEqualTo("tenant-a");
  }

  /**
   * A run that creates a VM through the API, clones it twice, pauses and resumes a clone outside
   * HotClone, deletes a clone and the source through the API, loses the other clone (destroyed
   * behind HotClone's back) and has HotClone discover and then lose a VM it never made: the
   * billing consumer opens exactly one meter per VM and closes every one, each VM's events arrive
   * in order on its key, and the VM-seconds it computes from the events' times are the API's
   * ({@code createdAt} to {@code endedAt}) within a second.
   */
  @Test
  void aBillingConsumerClosesEveryMeterItOpensAndItsVmSecondsMatchTheApi() {
    var h = TestStack.hypervisor();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    try (Billing billing = new Billing()) {
      TestStack.Response created = TestStack.post("/api/v1/vms",
          "{\"name\":\"bill-" + suffix + "\",\"host\":\"host-a\",\"memoryMiB\":32,\"diskMiB\":64,"
              + "\"labels\":{\"customer\":\"acme\",\"tier\":\"gold\"}}");
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      String source = created.body().path("id").asString();
      JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":2,"
          + "\"labels\":{\"tier\":\"silver\"}}");
      assertThat(op.path("phase").asString()).as(op.toString()).isEqualTo("COMPLETED");
      List<String> clones = new ArrayList<>();
      op.path("clones").forEach(c -> clones.add(c.path("vmId").asString()));
      assertThat(clones).hasSize(2);
      String deleted = clones.get(0);
      String lost = clones.get(1);

      h.pauseGuest(new VmId(deleted));
      billing.pollUntil(Duration.ofSeconds(20), () -> billing.has(deleted, "io.hotclone.vm.state-changed", "PAUSED"));
      h.resumeGuest(new VmId(deleted));
      billing.pollUntil(Duration.ofSeconds(20), () -> billing.has(deleted, "io.hotclone.vm.state-changed", "RUNNING"));

      assertThat(TestStack.send("DELETE", "/api/v1/vms/" + deleted, null, Map.of()).status()).isEqualTo(204);
      h.destroyVm(new VmId(lost));
      String found = h.createVm(new VmSpec(new HostName("host-a"), "found-" + suffix, 16L << 20, 32L << 20)).id().value();
      billing.pollUntil(Duration.ofSeconds(20), () -> billing.has(found, "io.hotclone.vm.discovered", "RUNNING"));
      h.destroyVm(new VmId(found));
      assertThat(TestStack.send("DELETE", "/api/v1/vms/" + source, null, Map.of()).status()).isEqualTo(204);

      List<String> run = List.of(source, deleted, lost, found);
      billing.pollUntil(Duration.ofSeconds(30), () -> run.stream().allMatch(billing::closed),
          () -> "a closing event of each of " + run + "; closed: " + run.stream().filter(billing::closed).toList());

      Map<String, String> opened = new LinkedHashMap<>();
      Map<String, String> closed = new LinkedHashMap<>();
      for (String vm : run) {
        List<ConsumerRecord<String, CloudEvent>> events = billing.of(vm);
        List<String> opens = events.stream().map(r -> r.value().getType()).filter(BillingConsumerIT::opens).toList();
        List<String> closes = events.stream().map(r -> r.value().getType()).filter(BillingConsumerIT::closes).toList();
        assertThat(opens).as("meters opened for " + vm).hasSize(1);
        assertThat(closes).as("meters closed for " + vm).hasSize(1);
        assertThat(opens(events.get(0).value().getType())).as("the first event of " + vm + " opens its meter").isTrue();
        assertThat(closes(events.get(events.size() - 1).value().getType())).as("the last event of " + vm + " closes it").isTrue();
        events.forEach(r -> assertThat(r.key()).isEqualTo(vm));
        opened.put(vm, opens.get(0));
        closed.put(vm, closes.get(0));

        // VM-seconds from the events' times, against the API's view of the VM
        Duration billed = Duration.between(billing.at(vm, opens.get(0)), billing.at(vm, closes.get(0)));
        JsonNode view = TestStack.send("GET", "/api/v1/vms/" + vm, null, TestStack.as(TestStack.key("admin"))).body();
        assertThat(view.path("state").asString()).isEqualTo("GONE");
        Duration api = Duration.between(Instant.parse(view.path("createdAt").asString()), Instant.parse(view.path("endedAt").asString()));
        assertThat(Math.abs(billed.toMillis() - api.toMillis())).as(vm + ": billed " + billed + ", the API says " + api).isLessThan(1000);
        assertThat(billed).as(vm + " was billed for its life").isPositive();
      }
      assertThat(opened).containsExactly(
          Map.entry(source, "io.hotclone.vm.created"), Map.entry(deleted, "io.hotclone.vm.cloned"),
          Map.entry(lost, "io.hotclone.vm.cloned"), Map.entry(found, "io.hotclone.vm.discovered"));
      assertThat(closed).containsExactly(
          Map.entry(source, "io.hotclone.vm.deleted"), Map.entry(deleted, "io.hotclone.vm.deleted"),
          Map.entry(lost, "io.hotclone.vm.gone"), Map.entry(found, "io.hotclone.vm.gone"));

      // who did it, sizes and lineage, as billing and audit need them
      JsonNode sourceOpen = data(billing.find(source, "io.hotclone.vm.created").value());
      assertThat(sourceOpen.path("principal").path("tenant").asString()).isEqualTo("tenant-a");
      assertThat(sourceOpen.path("vcpus").asInt()).isEqualTo(1);
      assertThat(sourceOpen.path("memoryBytes").asLong()).isEqualTo(32L << 20);
      assertThat(sourceOpen.path("disks").get(0).path("bytes").asLong()).isEqualTo(64L << 20);
      JsonNode cloneOpen = data(billing.find(deleted, "io.hotclone.vm.cloned").value());
      assertThat(cloneOpen.path("parentVm").asString()).isEqualTo(source);
      assertThat(cloneOpen.path("rootVm").asString()).isEqualTo(source);
      assertThat(cloneOpen.path("generation").asInt()).isEqualTo(1);
      assertThat(cloneOpen.path("cloneId").asString()).isEqualTo(op.path("id").asString());
      assertThat(cloneOpen.path("host").asString()).isEqualTo("host-b");
      assertThat(cloneOpen.path("memoryBytes").asLong()).isEqualTo(32L << 20);
      assertThat(cloneOpen.path("disks").get(0).path("bytes").asLong()).isEqualTo(64L << 20);
      assertThat(cloneOpen.path("principal")).isEqualTo(sourceOpen.path("principal"));
      // labels tell a customer's VMs apart: the source's, and on its clones the request's over them
      assertThat(sourceOpen.path("labels").path("customer").asString()).isEqualTo("acme");
      assertThat(sourceOpen.path("labels").path("tier").asString()).isEqualTo("gold");
      assertThat(cloneOpen.path("labels").path("customer").asString()).isEqualTo("acme");
      assertThat(cloneOpen.path("labels").path("tier").asString()).isEqualTo("silver");
      assertThat(data(billing.find(deleted, "io.hotclone.vm.deleted").value()).path("principal"))
          .isEqualTo(sourceOpen.path("principal"));
      assertThat(data(billing.find(lost, "io.hotclone.vm.gone").value()).get("principal").isNull()).isTrue();
      assertThat(data(billing.find(found, "io.hotclone.vm.discovered").value()).get("principal").isNull()).isTrue();
      assertThat(billing.find(source, "io.hotclone.vm.created").value().getExtension("tenant")).isEqualTo("tenant-a");

      Set<String> ids = new HashSet<>();
      run.forEach(vm -> billing.of(vm).forEach(r -> assertThat(ids.add(r.value().getId())).as("unique id " + r.value().getId()).isTrue()));
    }
  }

  private static boolean opens(String type) {
    return Set.of("io.hotclone.vm.created", "io.hotclone.vm.cloned", "io.hotclone.vm.discovered").contains(type);
  }

  private static boolean closes(String type) {
    return Set.of("io.hotclone.vm.deleted", "io.hotclone.vm.gone").contains(type);
  }

  private static JsonNode data(CloudEvent ce) {
    return TestStack.JSON.readTree(ce.getData().toBytes());
  }

  /** A billing system's consumer: every record of the lifecycle topic from the beginning, by subject. */
  private static final class Billing implements AutoCloseable {
    private final KafkaConsumer<String, CloudEvent> consumer;
    private final Map<String, List<ConsumerRecord<String, CloudEvent>>> bySubject = new LinkedHashMap<>();

    Billing() {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "billing-" + UUID.randomUUID());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class);
      consumer = new KafkaConsumer<>(p);
      consumer.subscribe(List.of(Topics.LIFECYCLE));
    }

    void pollUntil(Duration timeout, java.util.function.BooleanSupplier done) {
      pollUntil(timeout, done, () -> "the awaited event");
    }

    void pollUntil(Duration timeout, java.util.function.BooleanSupplier done, java.util.function.Supplier<String> what) {
      Instant deadline = Instant.now().plus(timeout);
      while (!done.getAsBoolean()) {
        assertThat(Instant.now()).as(() -> what.get() + " within " + timeout).isBefore(deadline);
        for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
          bySubject.computeIfAbsent(r.value().getSubject(), k -> new ArrayList<>()).add(r);
        }
      }
    }

    List<ConsumerRecord<String, CloudEvent>> of(String subject) {
      return bySubject.getOrDefault(subject, List.of());
    }

    ConsumerRecord<String, CloudEvent> find(String subject, String type) {
      return of(subject).stream().filter(r -> r.value().getType().equals(type)).findFirst().orElse(null);
    }

    boolean has(String subject, String type, String state) {
      return of(subject).stream().anyMatch(r -> r.value().getType().equals(type) && state.equals(data(r.value()).path("state").asString()));
    }

    boolean closed(String subject) {
      return of(subject).stream().anyMatch(r -> closes(r.value().getType()));
    }

    Instant at(String subject, String type) {
      return find(subject, type).value().getTime().toInstant();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
