package io.hotclone.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.messaging.OperationOutcomes;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.Vms;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Requester;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.CallerAuthentication;
import io.hotclone.api.security.Scopes;
import io.hotclone.api.security.SecurityProperties;
import java.util.Map;
import org.springframework.security.core.context.SecurityContextHolder;
import io.hotclone.hypervisor.GuestStatus;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import io.hotclone.support.outbox.Outbox;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.stubbing.Answer;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The HTTP contract of the REST layer: status codes, Location, problem+json, idempotency; an
 * accepted request's writes in one transaction (a real transaction manager over a fake connection).
 */
class RestContractTest {

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final HostInfo HOST_A = new HostInfo(new HostName("host-a"), "embedded", "embedded://host-a", true, 1);
  private static final HostInfo HOST_B = new HostInfo(new HostName("host-b"), "embedded", "embedded://host-b", true, 0);

  private final Hypervisor hypervisor = mock(Hypervisor.class);
  private final Vms vms = mock(Vms.class);
  private final CloneOperations operations = mock(CloneOperations.class);
  private final Outbox outbox = mock(Outbox.class);
  private final OperationOutcomes outcomes = mock(OperationOutcomes.class);
  /** A real transaction manager over a fake connection: which transaction a write runs in, and how it ends, is seen. */
  private final DataSource dataSource = mock(DataSource.class);
  private final Connection connection = mock(Connection.class);
  private final TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  /** Per write (its last call): the transaction it ran in (its connection holder; null: none) and how that ended. */
  private final Map<String, Object> writtenIn = new LinkedHashMap<>();
  private final Map<String, String> writeEnded = new LinkedHashMap<>();
  private final Admission admission = mock(Admission.class);
  private final io.hotclone.api.lifecycle.VmLifecycle lifecycle = mock(io.hotclone.api.lifecycle.VmLifecycle.class);
  private static final String TENANT = "t1";
  private static final Caller CALLER = new Caller("alice", TENANT, "k1", Scopes.ALL);
  private MockMvc mvc;
  private io.hotclone.api.messaging.IpPoolStates pools;

  @AfterEach
  void clearCaller() {
    SecurityContextHolder.clearContext();
  }

  @BeforeEach
  void setUp() throws Exception {
    when(dataSource.getConnection()).thenReturn(connection);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    VmDirectory directory = new VmDirectory(hypervisor, vms);
    TenantVms tenantVms = new TenantVms(directory, vms, lifecycle, tx, clock);
    when(vms.discoveredTenant()).thenReturn(TENANT);
    SecurityProperties security =
        new SecurityProperties(new SecurityProperties.Jwt(null, null, null), null, List.of(), TENANT, Map.of());
    pools = new io.hotclone.api.messaging.IpPoolStates(
        "localhost:1", java.time.Duration.ofSeconds(60), new io.hotclone.support.app.KafkaSecurity(null, null, null, null, null, null), new io.hotclone.events.EventCodec(), clock);
    CloneRequests requests = new CloneRequests(
        tenantVms, directory, operations, lifecycle, outbox, outcomes, admission, security, pools,
        mock(io.hotclone.api.messaging.WaitingRequests.class),
        new io.hotclone.api.placement.adapter.HostPlacement(hypervisor, pools, security,
            new io.hotclone.api.placement.adapter.PlacementProperties(Map.of("host-b", 2.0), null),
            mock(io.hotclone.api.placement.adapter.InFlightPlacements.class)),
        io.hotclone.support.tracing.TraceContexts.none(), tx, clock);
    ResourceETags etags = new ResourceETags(tools.jackson.databind.json.JsonMapper.builder().build());
    CloneController clones = new CloneController(requests, operations, mock(CloneEventStreams.class), etags);
    VmController vmController =
        new VmController(directory, tenantVms, security, hypervisor, vms, operations, tx, clock, pools, lifecycle, etags);
    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(CALLER));
    mvc = MockMvcBuilders.standaloneSetup(clones, vmController).setControllerAdvice(new ProblemHandler()).build();
    when(hypervisor.hosts()).thenReturn(List.of(HOST_A, HOST_B));
    when(hypervisor.hostNames()).thenReturn(List.of(HOST_A.name(), HOST_B.name()));
    when(hypervisor.findVm(any())).thenReturn(Optional.empty());
  }

  private static VmInfo vm(String id, String name, VmState state) {
    VmIdentity identity =
        new VmIdentity(name, UUID.randomUUID(), "52:54:00:00:00:01", name, "10.0.0.1", "serial", UUID.randomUUID());
    return new VmInfo(
        new VmId(id), new HostName("host-a"), identity, state, 64L << 20, 64L << 20, "ptr-" + id, null, new GuestStatus(7, 9));
  }

  private void source(VmState state) {
    when(hypervisor.findVm(new VmId("vm-1"))).thenReturn(Optional.of(vm("vm-1", "golden", state)));
  }

  private org.springframework.test.web.servlet.ResultActions postClone(String body) throws Exception {
    return mvc.perform(post("/api/v1/clones").contentType(MediaType.APPLICATION_JSON).content(body));
  }

  /**
   * Records a call of {@code write}: the transaction it runs in ({@link #writtenIn}) and, once that
   * ends, whether it committed or rolled back ({@link #writeEnded}); outside a transaction: null and
   * {@code "no transaction"}.
   */
  private Answer<Void> recorded(String write) {
    return call -> {
      if (!TransactionSynchronizationManager.isActualTransactionActive()) {
        writtenIn.put(write, null);
        writeEnded.put(write, "no transaction");
        return null;
      }
      writtenIn.put(write, TransactionSynchronizationManager.getResource(dataSource));
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          writeEnded.put(write, status == STATUS_COMMITTED ? "committed" : status == STATUS_ROLLED_BACK ? "rolled back" : "unknown");
        }
      });
      return null;
    };
  }

  /** The writes of an accepted request, recorded; the read model is also written before, in its own transaction. */
  private void recordWrites() {
    doAnswer(recorded("insert")).when(operations).insert(any(), any(), any(), any());
    doAnswer(recorded("observed")).when(lifecycle).observed(any(), any());
    doAnswer(recorded("append")).when(outbox).append(any());
    doAnswer(recorded("requested")).when(outcomes).requested(any());
  }

  @Test
  void a_valid_request_is_accepted_with_location_and_starts_the_saga_in_one_transaction() throws Exception {
    source(VmState.RUNNING);
    recordWrites();
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":2}")
        .andExpect(status().isAccepted())
        .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/v1/clones/")))
        .andExpect(jsonPath("$.phase").value("REQUESTED"))
        .andExpect(jsonPath("$.sourceVm").value("vm-1"))
        .andExpect(jsonPath("$.sourceHost").value("host-a"))
        .andExpect(jsonPath("$.targetHost").value("host-b"))
        .andExpect(jsonPath("$.count").value(2))
        .andExpect(jsonPath("$.leaseMillis").value(30000));
    ArgumentCaptor<CloneOperation> op = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations).insert(op.capture(), any(), any(), any());
    assertThat(op.getValue().request().requester()).isEqualTo(new Requester("alice", TENANT, "k1"));
    ArgumentCaptor<EventEnvelope> event = ArgumentCaptor.forClass(EventEnvelope.class);
    verify(outbox).append(event.capture());
    assertThat(event.getValue().cloneId()).isEqualTo(op.getValue().id());
    assertThat(event.getValue().payload())
        .isEqualTo(new CloneRequested(new ClonePlan("vm-1", "host-a", "host-b", 2, List.of(), 30_000), "alice",
            new Requester("alice", TENANT, "k1")));
    verify(outcomes).requested(op.getValue());
    // the operation, the read model, the outbox and the outcome: one transaction, committed
    assertThat(writtenIn).containsOnlyKeys("insert", "observed", "append", "requested");
    assertThat(writtenIn.values()).as("transactions of the writes %s", writtenIn)
        .allSatisfy(t -> assertThat(t).isNotNull().isSameAs(writtenIn.get("insert")));
    assertThat(writeEnded).containsExactlyInAnyOrderEntriesOf(Map.of(
        "insert", "committed", "observed", "committed", "append", "committed", "requested", "committed"));
    verify(connection, never()).rollback();
  }

  @Test
  void a_request_whose_last_write_fails_leaves_none_of_its_writes() throws Exception {
    source(VmState.RUNNING);
    recordWrites();
    Answer<Void> requested = recorded("requested");
    doAnswer(call -> {
      requested.answer(call);
      throw new IllegalStateException("injected: the last write fails");
    }).when(outcomes).requested(any());

    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":1}")
        .andExpect(status().isInternalServerError());

    assertThat(writtenIn).containsOnlyKeys("insert", "observed", "append", "requested");
    assertThat(writtenIn.values()).as("transactions of the writes %s", writtenIn)
        .allSatisfy(t -> assertThat(t).isNotNull().isSameAs(writtenIn.get("insert")));
    assertThat(writeEnded).containsExactlyInAnyOrderEntriesOf(Map.of(
        "insert", "rolled back", "observed", "rolled back", "append", "rolled back", "requested", "rolled back"));
    verify(connection).rollback();
  }

  @Test
  void a_request_for_more_clones_than_the_target_pool_has_free_addresses_is_refused_422_and_starts_nothing() throws Exception {
    source(VmState.RUNNING);
    pools.accept(new io.hotclone.events.IpPoolState("host-b", "10.9.0.0/29", 5, 2, NOW));
    pools.accept(new io.hotclone.events.IpPoolState("default", "10.8.0.0/24", 253, 0, NOW));
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":3}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("ip-pool-exhausted"))
        .andExpect(jsonPath("$.field").value("count"))
        .andExpect(jsonPath("$.detail").value("IP pool host-b (10.9.0.0/29) of host host-b has 2 free addresses of 5; the request needs 3"));
    verify(operations, org.mockito.Mockito.never()).insert(any(), any(), any(), any());
    verify(outbox, org.mockito.Mockito.never()).append(any());
    // host-a has no pool of its own: the default one, exhausted
    when(hypervisor.findVm(new VmId("vm-1"))).thenReturn(Optional.of(vm("vm-1", "golden", VmState.RUNNING)));
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-a\",\"count\":1}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("IP pool default (10.8.0.0/24) of host host-a has 0 free")));
    // as many as are free: accepted
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":2}").andExpect(status().isAccepted());
    mvc.perform(get("/api/v1/hosts"))
        .andExpect(jsonPath("$[1].name").value("host-b"))
        .andExpect(jsonPath("$[1].ipPool.free").value(2))
        .andExpect(jsonPath("$[1].ipPool.capacity").value(5))
        .andExpect(jsonPath("$[0].ipPool.network").value("default"));
  }

  @Test
  void an_unreachable_host_is_listed_with_the_reason_its_driver_gives() throws Exception {
    HostInfo refused = new HostInfo(
        new HostName("host-b"), "libvirt", "qemu+tcp://10.0.0.2/system", false, 0,
        "authentication failed: authentication failed");
    when(hypervisor.hosts()).thenReturn(List.of(HOST_A, refused));
    mvc.perform(get("/api/v1/hosts"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].reachable").value(true))
        .andExpect(jsonPath("$[0].reason").doesNotExist())
        .andExpect(jsonPath("$[1].name").value("host-b"))
        .andExpect(jsonPath("$[1].reachable").value(false))
        .andExpect(jsonPath("$[1].reason").value("authentication failed: authentication failed"));
  }

  @Test
  void a_pool_count_older_than_its_max_age_is_not_used_to_refuse() throws Exception {
    source(VmState.RUNNING);
    pools.accept(new io.hotclone.events.IpPoolState("host-b", "10.9.0.0/29", 5, 0, NOW.minusSeconds(61)));
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":1}").andExpect(status().isAccepted());
    // an older count arriving late does not replace a newer one
    pools.accept(new io.hotclone.events.IpPoolState("host-b", "10.9.0.0/29", 5, 3, NOW));
    pools.accept(new io.hotclone.events.IpPoolState("host-b", "10.9.0.0/29", 5, 0, NOW.minusSeconds(1)));
    mvc.perform(get("/api/v1/hosts")).andExpect(jsonPath("$[1].ipPool.free").value(3));
  }

  @Test
  void a_source_named_by_name_is_resolved_to_its_id() throws Exception {
    when(hypervisor.vms(new HostName("host-a"))).thenReturn(List.of(vm("vm-1", "golden", VmState.RUNNING)));
    postClone("{\"sourceVm\":\"golden\",\"targetHost\":\"host-b\"}")
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.sourceVm").value("vm-1"))
        .andExpect(jsonPath("$.sourceVmName").value("golden"));
  }

  @Test
  void a_repeated_idempotency_key_returns_the_same_operation_without_a_second_request() throws Exception {
    CloneOperation existing =
        CloneOperation.requested(
            UUID.randomUUID(), "k-1", CALLER.requester(), new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000),
            "golden", NOW);
    String fingerprint = IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", null, null, null, null));
    when(operations.findByIdempotencyKey(TENANT, "k-1"))
        .thenReturn(Optional.of(new CloneOperations.Keyed(existing, fingerprint)));
    mvc.perform(
            post("/api/v1/clones")
                .header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\"}"))
        .andExpect(status().isOk())
        .andExpect(header().string("Location", "/api/v1/clones/" + existing.id()))
        .andExpect(jsonPath("$.id").value(existing.id().toString()));
    verify(operations, never()).insert(any(), any(), any(), any());
    verify(outbox, never()).append(any());
  }

  @Test
  void malformed_json_is_a_400_problem() throws Exception {
    postClone("{\"sourceVm\": ")
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(400));
  }

  @Test
  void count_out_of_range_is_a_422_problem() throws Exception {
    source(VmState.RUNNING);
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":65}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("out-of-range"))
        .andExpect(jsonPath("$.field").value("count"));
    verify(operations, never()).insert(any(), any(), any(), any());
  }

  private void capacity(String host, long totalBytes, long vmBytes, int vms) {
    when(hypervisor.capacity(new HostName(host)))
        .thenReturn(new io.hotclone.hypervisor.HostCapacity(new HostName(host), totalBytes, totalBytes - vmBytes, vmBytes, vms));
  }

  @Test
  void without_a_target_host_the_clones_are_placed_and_the_plan_names_each_clones_host() throws Exception {
    source(VmState.RUNNING); // 64 MiB of memory
    capacity("host-a", 256L << 20, 128L << 20, 2); // room 128 MiB: two clones
    capacity("host-b", 64L << 20, 64L << 20, 1); // room 64 MiB only with its overcommit of 2: one clone
    recordWrites();
    postClone("{\"sourceVm\":\"vm-1\",\"count\":3,\"partial\":true}")
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.targetHost").value("host-a"))
        .andExpect(jsonPath("$.targetHosts[0]").value("host-a"))
        .andExpect(jsonPath("$.targetHosts[1]").value("host-b"))
        .andExpect(jsonPath("$.targetHosts[2]").value("host-a"))
        .andExpect(jsonPath("$.placement").value("spread"))
        .andExpect(jsonPath("$.partial").value(true));
    ArgumentCaptor<EventEnvelope> event = ArgumentCaptor.forClass(EventEnvelope.class);
    verify(outbox).append(event.capture());
    assertThat(((CloneRequested) event.getValue().payload()).plan())
        .isEqualTo(new ClonePlan("vm-1", "host-a", "host-a", 3, List.of(), 30_000, null,
            List.of("host-a", "host-b", "host-a"), true, false));
  }

  @Test
  void a_request_no_host_can_take_is_a_422_no_capacity_problem_listing_what_each_host_lacked() throws Exception {
    source(VmState.RUNNING);
    capacity("host-a", 256L << 20, 200L << 20, 3); // room 56 MiB < 64 MiB
    when(hypervisor.capacity(new HostName("host-b"))).thenThrow(new HypervisorException.HostUnreachable(new HostName("host-b"), null));
    postClone("{\"sourceVm\":\"vm-1\",\"placement\":\"pack\"}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("no-capacity"))
        .andExpect(jsonPath("$.type").value("urn:hotclone:problem:no-capacity"))
        .andExpect(jsonPath("$.shortfalls[0].host").value("host-a"))
        .andExpect(jsonPath("$.shortfalls[0].reason").value("memory"))
        .andExpect(jsonPath("$.shortfalls[1].host").value("host-b"))
        .andExpect(jsonPath("$.shortfalls[1].reason").value("unreachable"));
    verify(operations, never()).insert(any(), any(), any(), any());
    verify(outbox, never()).append(any());
  }

  @Test
  void names_not_matching_count_is_a_422_problem() throws Exception {
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\",\"count\":2,\"names\":[\"a\"]}")
        .andExpect(status().isUnprocessableContent())
        .andExpect(jsonPath("$.code").value("size-mismatch"));
  }

  @Test
  void an_unknown_vm_is_a_404_problem() throws Exception {
    postClone("{\"sourceVm\":\"nope\",\"targetHost\":\"host-b\"}")
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("vm-not-found"));
  }

  @Test
  void an_unknown_host_is_a_404_problem() throws Exception {
    source(VmState.RUNNING);
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-z\"}")
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("host-not-found"));
  }

  @Test
  void a_source_that_is_not_running_is_a_409_problem() throws Exception {
    source(VmState.PAUSED);
    postClone("{\"sourceVm\":\"vm-1\",\"targetHost\":\"host-b\"}")
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("vm-not-running"));
    verify(operations, never()).insert(any(), any(), any(), any());
  }

  @Test
  void an_unknown_or_malformed_clone_id_is_a_404_problem() throws Exception {
    mvc.perform(get("/api/v1/clones/" + UUID.randomUUID()))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.code").value("clone-not-found"));
    mvc.perform(get("/api/v1/clones/not-a-uuid")).andExpect(status().isNotFound());
  }

  @Test
  void an_unknown_phase_filter_is_a_400_problem() throws Exception {
    mvc.perform(get("/api/v1/clones").param("phase", "SLEEPING"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("unknown-phase"));
  }

  @Test
  void creating_a_vm_answers_201_with_location() throws Exception {
    when(hypervisor.createVm(new VmSpec(new HostName("host-a"), "web", 64L << 20, 128L << 20)))
        .thenReturn(vm("vm-7", "web", VmState.RUNNING));
    mvc.perform(
            post("/api/v1/vms")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"web\",\"host\":\"host-a\",\"memoryMiB\":64,\"diskMiB\":128}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/vms/vm-7"))
        .andExpect(jsonPath("$.id").value("vm-7"))
        .andExpect(jsonPath("$.guestCounter").value(7));
    verify(lifecycle).created(any(), org.mockito.ArgumentMatchers.eq(TENANT), org.mockito.ArgumentMatchers.eq(java.util.Map.of()),
        org.mockito.ArgumentMatchers.eq(CALLER.requester()), any());
  }

  @Test
  void a_vm_with_two_disks_is_asked_of_the_driver_and_nine_disks_are_refused_with_422() throws Exception {
    when(hypervisor.createVm(new VmSpec(new HostName("host-a"), "db", 64L << 20, 32L << 20, null, 2)))
        .thenReturn(vm("vm-8", "db", VmState.RUNNING));
    mvc.perform(
            post("/api/v1/vms")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"db\",\"host\":\"host-a\",\"memoryMiB\":64,\"diskMiB\":32,\"disks\":2}"))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.id").value("vm-8"));
    mvc.perform(
            post("/api/v1/vms")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"db\",\"host\":\"host-a\",\"memoryMiB\":64,\"diskMiB\":32,\"disks\":9}"))
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("disks must be between 1 and 8")));
  }

  @Test
  void a_driver_that_cannot_create_vms_answers_501() throws Exception {
    when(hypervisor.createVm(any())).thenThrow(new HypervisorException.Unsupported("libvirt cannot create VMs"));
    mvc.perform(
            post("/api/v1/vms")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"web\",\"host\":\"host-a\",\"memoryMiB\":64,\"diskMiB\":64}"))
        .andExpect(status().isNotImplemented())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.code").value("unsupported"));
  }

  @Test
  void a_live_vm_shows_its_guest_counter_and_lineage_defaults() throws Exception {
    source(VmState.RUNNING);
    mvc.perform(get("/api/v1/vms/vm-1"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.host").value("host-a"))
        .andExpect(jsonPath("$.state").value("RUNNING"))
        .andExpect(jsonPath("$.storagePointer").value("ptr-vm-1"))
        .andExpect(jsonPath("$.guestCounter").value(7))
        .andExpect(jsonPath("$.generation").value(0));
  }

  @Test
  void hypervisor_failures_map_to_statuses_by_subtype() {
    assertThat(ProblemHandler.statusOf(new HypervisorException.VmNotFound(new VmId("x"))).value()).isEqualTo(404);
    assertThat(ProblemHandler.statusOf(new HypervisorException.HostNotFound(new HostName("h"))).value()).isEqualTo(404);
    assertThat(ProblemHandler.statusOf(new HypervisorException.VmNotRunning(new VmId("x"), VmState.PAUSED)).value())
        .isEqualTo(409);
    assertThat(ProblemHandler.statusOf(new HypervisorException.Unsupported("no")).value()).isEqualTo(501);
    assertThat(ProblemHandler.statusOf(new HypervisorException.HostUnreachable(new HostName("h"), null)).value())
        .isEqualTo(503);
    assertThat(ProblemHandler.statusOf(new HypervisorException.DriverFailure("no", null)).value()).isEqualTo(502);
  }

  @Test
  void spring_mvc_s_own_errors_are_problems_with_our_type_and_code() throws Exception {
    mvc.perform(post("/api/v1/clones").contentType(MediaType.TEXT_PLAIN).content("x"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("urn:hotclone:problem:unsupported-media-type"))
        .andExpect(jsonPath("$.code").value("unsupported-media-type"));
    mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/v1/clones"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.type").value("urn:hotclone:problem:method-not-allowed"))
        .andExpect(jsonPath("$.code").value("method-not-allowed"));
    postClone("")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("missing-body"));
  }

  @Test
  void the_vm_list_pages_by_id_with_a_link_to_the_next_page_that_keeps_the_host() throws Exception {
    when(hypervisor.vms(new HostName("host-a")))
        .thenReturn(List.of(vm("vm-3", "c", VmState.RUNNING), vm("vm-1", "a", VmState.RUNNING), vm("vm-2", "b", VmState.RUNNING)));
    when(vms.find(any())).thenReturn(Optional.empty());
    String link = mvc.perform(get("/api/v1/vms").param("host", "host-a").param("limit", "2"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(2))
        .andExpect(jsonPath("$[0].id").value("vm-1"))
        .andExpect(jsonPath("$[1].id").value("vm-2"))
        .andReturn().getResponse().getHeader("Link");
    assertThat(link).startsWith("</api/v1/vms?host=host-a&limit=2&cursor=").endsWith(">; rel=\"next\"");
    String next = link.substring(1, link.indexOf('>'));
    var last = mvc.perform(get(java.net.URI.create(next)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.length()").value(1))
        .andExpect(jsonPath("$[0].id").value("vm-3"))
        .andReturn().getResponse();
    assertThat(last.getHeader("Link")).isNull();
  }

  @Test
  void a_limit_out_of_range_is_422_and_a_broken_cursor_400() throws Exception {
    mvc.perform(get("/api/v1/vms").param("limit", "0"))
        .andExpect(status().isUnprocessableContent())
        .andExpect(jsonPath("$.code").value("limit-out-of-range"))
        .andExpect(jsonPath("$.field").value("limit"));
    mvc.perform(get("/api/v1/clones").param("limit", String.valueOf(CursorPages.MAX_LIMIT + 1)))
        .andExpect(status().isUnprocessableContent());
    mvc.perform(get("/api/v1/clones").param("cursor", PageCursor.encode("vms", List.of("vm-1"))))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("invalid-cursor"));
  }

  @Test
  void a_vm_answers_with_an_etag_and_304_when_if_none_match_holds_it() throws Exception {
    when(hypervisor.findVm(new VmId("vm-1"))).thenReturn(Optional.of(vm("vm-1", "golden", VmState.RUNNING)));
    String etag = mvc.perform(get("/api/v1/vms/vm-1"))
        .andExpect(status().isOk())
        .andReturn().getResponse().getHeader("ETag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    mvc.perform(get("/api/v1/vms/vm-1").header("If-None-Match", "\"other\", " + etag))
        .andExpect(status().isNotModified())
        .andExpect(header().string("ETag", etag))
        .andExpect(content().string(""));
    mvc.perform(get("/api/v1/vms/vm-1").header("If-None-Match", "\"other\""))
        .andExpect(status().isOk());
  }

  @Test
  void a_vm_with_an_invalid_label_is_refused_422_naming_the_label() throws Exception {
    mvc.perform(post("/api/v1/vms").contentType(MediaType.APPLICATION_JSON).content(
            "{\"name\":\"vm-x\",\"host\":\"host-a\",\"memoryMiB\":64,\"diskMiB\":64,\"labels\":{\"Team\":\"a\"}}"))
        .andExpect(status().isUnprocessableContent())
        .andExpect(jsonPath("$.code").value("invalid-label-key"))
        .andExpect(jsonPath("$.field").value("labels.Team"));
    verify(hypervisor, never()).createVm(any());
  }
}
