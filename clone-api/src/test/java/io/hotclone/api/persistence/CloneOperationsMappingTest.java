package io.hotclone.api.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.Requester;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The columns of {@code clone_operations} as {@link CloneOperations} writes and reads them: the
 * insert's values in column order, and an operation written (insert + update) reads back equal.
 * JdbcTemplate is a fake; the SQL itself is exercised by the devstack integration tests.
 */
class CloneOperationsMappingTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
  private static final ConfiguredClone CLONE =
      new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
  private static final List<String> INSERTED =
      List.of("id", "idempotency_key", "source_vm", "source_vm_name", "source_host", "target_host", "count", "names",
          "lease_millis", "phase", "requested_at", "updated_at", "step_times", "tenant", "requested_by", "key_id",
          "request_fingerprint", "saga_id", "identity_policy", "traceparent");
  private static final List<String> UPDATED =
      List.of("phase", "updated_at", "step_times", "completed_at", "failed_step", "failure_reason", "clones",
          "source_pause_micros", "freeze_millis", "id");

  private final JdbcTemplate jdbc = mock(JdbcTemplate.class);
  private final CloneOperations operations = new CloneOperations(jdbc, new EventCodec());

  private static CloneOperation requested() {
    return CloneOperation.requested(ID, "key-1", new Requester("alice", "t1", "k1"), PLAN, "golden", T0);
  }

  private static CloneOperation after(CloneOperation op, long millis, CloneEvent payload) {
    return op.apply(EventEnvelope.of(ID, payload, T0.plusMillis(millis)), T0.plusMillis(millis + 1)).after();
  }

  /** The columns after inserting the request and updating to {@code op}, by column name. */
  private Map<String, Object> written(CloneOperation op) {
    operations.insert(requested(), "fp", null, null);
    operations.update(op);
    ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
    verify(jdbc, times(2)).update(anyString(), args.capture());
    Object[] inserted = args.getAllValues().get(0);
    Object[] updated = args.getAllValues().get(1);
    assertThat(inserted).hasSize(INSERTED.size());
    assertThat(updated).hasSize(UPDATED.size());
    Map<String, Object> columns = new HashMap<>();
    for (int i = 0; i < INSERTED.size(); i++) {
      columns.put(INSERTED.get(i), inserted[i]);
    }
    for (int i = 0; i < UPDATED.size(); i++) {
      columns.put(UPDATED.get(i), updated[i]);
    }
    return columns;
  }

  @SuppressWarnings("unchecked")
  private CloneOperation readBack(Map<String, Object> columns) throws Exception {
    ResultSet rs = mock(ResultSet.class);
    when(rs.getObject("id", UUID.class)).thenAnswer(i -> columns.get("id"));
    when(rs.getObject("saga_id", UUID.class)).thenAnswer(i -> columns.get("saga_id"));
    when(rs.getString(anyString())).thenAnswer(i -> {
      Object v = columns.get(i.<String>getArgument(0));
      return v == null ? null : v.toString();
    });
    when(rs.getInt("count")).thenAnswer(i -> columns.get("count"));
    when(rs.getLong("lease_millis")).thenAnswer(i -> columns.get("lease_millis"));
    when(rs.getTimestamp(anyString())).thenAnswer(i -> (Timestamp) columns.get(i.<String>getArgument(0)));
    when(rs.getObject(anyString())).thenAnswer(i -> columns.get(i.<String>getArgument(0)));
    when(jdbc.query(anyString(), any(RowMapper.class), eq(ID)))
        .thenAnswer(i -> List.of(i.<RowMapper<CloneOperation>>getArgument(1).mapRow(rs, 0)));
    return operations.find(ID).orElseThrow();
  }

  @Test
  void the_insert_writes_the_request_in_its_columns() {
    operations.insert(requested(), "fp", null, null);
    ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
    verify(jdbc).update(anyString(), args.capture());
    assertThat(args.getValue())
        .containsExactly(
            ID, "key-1", "vm-1", "golden", "host-a", "host-b", 1, "[\"web\"]", 30_000L, "REQUESTED",
            Timestamp.from(T0), Timestamp.from(T0), "{\"REQUESTED\":\"2025-01-01T00:00:00Z\"}", "t1", "alice", "k1", "fp",
            ID, null, null);
  }

  @Test
  void a_completed_operation_reads_back_as_it_was_written() throws Exception {
    // given a completed operation with figures and clones
    CloneOperation op = requested();
    op = after(op, 20, new MemoryFrozen(PLAN, "base", T0, 850L, List.of("ram"), 1, T0));
    op = after(op, 30, new MemoryUnfrozen(PLAN, "base", List.of(), 0, 42));
    op = after(op, 70, new CloneConfigured(PLAN, List.of(CLONE)));
    // when written and read back
    Map<String, Object> columns = written(op);
    // then
    assertThat(columns.get("phase")).isEqualTo("COMPLETED");
    assertThat(columns.get("completed_at")).isEqualTo(Timestamp.from(T0.plusMillis(71)));
    assertThat(columns.get("source_pause_micros")).isEqualTo(850L);
    assertThat(columns.get("freeze_millis")).isEqualTo(42L);
    assertThat(readBack(columns)).isEqualTo(op);
  }

  @Test
  void a_failed_operation_reads_back_with_its_step_and_reason() throws Exception {
    CloneOperation op = after(requested(), 5, new CloneFailed(PLAN, "freeze-storage", "disk busy"));
    Map<String, Object> columns = written(op);
    assertThat(columns.get("failed_step")).isEqualTo("freeze-storage");
    assertThat(columns.get("failure_reason")).isEqualTo("disk busy");
    assertThat(readBack(columns)).isEqualTo(op);
  }
}
