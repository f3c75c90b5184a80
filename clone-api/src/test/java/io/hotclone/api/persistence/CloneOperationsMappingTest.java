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
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The columns of {@code clone_operations} as {@link CloneOperations} writes and reads them: each
 * value bound to the column the statement's own SQL names at its position (the insert's request by
 * column, so two columns swapped in the SQL fail), and an operation written (insert + update) reads
 * back equal through a result set that has only the columns the query selects. JdbcTemplate is a
 * fake; the SQL itself runs in the devstack integration tests.
 */
class CloneOperationsMappingTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  /** A placed plan (its host per clone and partial are columns too). */
  private static final ClonePlan PLAN =
      new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("web", "web-2"), 30_000, null, List.of("host-b", "host-c"), true,
          false);
  private static final ConfiguredClone CLONE =
      new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
  private static final List<String> INSERTED =
      List.of("id", "idempotency_key", "source_vm", "source_vm_name", "source_host", "target_host", "count", "names",
          "lease_millis", "phase", "requested_at", "updated_at", "step_times", "tenant", "requested_by", "key_id",
          "request_fingerprint", "saga_id", "identity_policy", "traceparent", "labels", "target_hosts", "placement",
          "partial");
  private static final List<String> UPDATED =
      List.of("phase", "updated_at", "step_times", "completed_at", "failed_step", "failure_reason", "clones",
          "source_pause_micros", "freeze_millis", "failed_clones", "id");

  private final JdbcTemplate jdbc = mock(JdbcTemplate.class);
  private final CloneOperations operations = new CloneOperations(jdbc, new EventCodec());

  private static CloneOperation requested() {
    return CloneOperation.requested(ID, "key-1", new Requester("alice", "t1", "k1"), PLAN, "golden", T0)
        .placedBy("spread");
  }

  private static CloneOperation after(CloneOperation op, long millis, CloneEvent payload) {
    return op.apply(EventEnvelope.of(ID, payload, T0.plusMillis(millis)), T0.plusMillis(millis + 1)).after();
  }

  /**
   * The column each parameter of an {@code INSERT INTO clone_operations (…) VALUES (…)} or {@code
   * UPDATE clone_operations SET a = ?, … WHERE id = ?} is bound to, in parameter order, as the SQL
   * says.
   */
  static List<String> boundColumns(String sql) {
    Matcher insert = Pattern.compile("^INSERT INTO clone_operations \\(([^)]*)\\) VALUES \\(([^)]*)\\)$").matcher(sql);
    if (insert.matches()) {
      List<String> columns = split(insert.group(1));
      assertThat(split(insert.group(2))).as("values of %s", sql)
          .hasSameSizeAs(columns)
          .allSatisfy(v -> assertThat(v).matches("\\?(::\\w+)?"));
      return columns;
    }
    Matcher update = Pattern.compile("^UPDATE clone_operations SET (.*) WHERE (\\w+) = \\?$").matcher(sql);
    assertThat(update.matches()).as("an insert or update of clone_operations: %s", sql).isTrue();
    List<String> columns = new ArrayList<>();
    for (String set : split(update.group(1))) {
      Matcher m = Pattern.compile("^(\\w+) = \\?(::\\w+)?$").matcher(set);
      assertThat(m.matches()).as("one parameter per column in %s", sql).isTrue();
      columns.add(m.group(1));
    }
    columns.add(update.group(2));
    return columns;
  }

  /** The column labels a {@code SELECT … FROM clone_operations} returns ({@code names::text} is {@code names}). */
  static List<String> selectedColumns(String sql) {
    Matcher select = Pattern.compile("^SELECT (.*) FROM clone_operations .*$").matcher(sql);
    assertThat(select.matches()).as("a select of clone_operations: %s", sql).isTrue();
    return split(select.group(1)).stream().map(c -> c.replaceAll("::\\w+$", "")).toList();
  }

  private static List<String> split(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).toList();
  }

  /** The parameters of update call {@code call} (0: the first) by the column its SQL binds them to. */
  private Map<String, Object> bound(int calls, int call) {
    ArgumentCaptor<String> sql = ArgumentCaptor.forClass(String.class);
    ArgumentCaptor<Object[]> args = ArgumentCaptor.forClass(Object[].class);
    verify(jdbc, times(calls)).update(sql.capture(), args.capture());
    List<String> columns = boundColumns(sql.getAllValues().get(call));
    Object[] values = args.getAllValues().get(call);
    assertThat(values).as("parameters of %s", sql.getAllValues().get(call)).hasSameSizeAs(columns);
    Map<String, Object> byColumn = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      byColumn.put(columns.get(i), values[i]);
    }
    return byColumn;
  }

  /** The columns after inserting the request and updating to {@code op}, by column name. */
  private Map<String, Object> written(CloneOperation op) {
    operations.insert(requested(), "fp", null, null);
    operations.update(op);
    Map<String, Object> inserted = bound(2, 0);
    Map<String, Object> updated = bound(2, 1);
    assertThat(inserted.keySet()).containsExactlyInAnyOrderElementsOf(INSERTED);
    assertThat(updated.keySet()).containsExactlyInAnyOrderElementsOf(UPDATED);
    Map<String, Object> columns = new HashMap<>(inserted);
    columns.putAll(updated);
    return columns;
  }

  /**
   * {@link CloneOperations#find} over a result set holding {@code columns}, of which it answers
   * only those the query selects (any other: an SQLException, as PostgreSQL's driver does).
   */
  @SuppressWarnings("unchecked")
  private CloneOperation readBack(Map<String, Object> columns) throws Exception {
    List<String> selected = new ArrayList<>();
    ResultSet rs = mock(ResultSet.class);
    when(rs.getObject(anyString(), eq(UUID.class))).thenAnswer(i -> column(columns, selected, i.getArgument(0)));
    when(rs.getString(anyString())).thenAnswer(i -> {
      Object v = column(columns, selected, i.getArgument(0));
      return v == null ? null : v.toString();
    });
    when(rs.getInt(anyString())).thenAnswer(i -> column(columns, selected, i.getArgument(0)));
    when(rs.getLong(anyString())).thenAnswer(i -> column(columns, selected, i.getArgument(0)));
    when(rs.getBoolean(anyString())).thenAnswer(i -> Boolean.TRUE.equals(column(columns, selected, i.getArgument(0))));
    when(rs.getTimestamp(anyString())).thenAnswer(i -> (Timestamp) column(columns, selected, i.getArgument(0)));
    when(rs.getObject(anyString())).thenAnswer(i -> column(columns, selected, i.getArgument(0)));
    when(jdbc.query(anyString(), any(RowMapper.class), eq(ID))).thenAnswer(i -> {
      selected.addAll(selectedColumns(i.getArgument(0)));
      return List.of(i.<RowMapper<CloneOperation>>getArgument(1).mapRow(rs, 0));
    });
    return operations.find(ID).orElseThrow();
  }

  private static Object column(Map<String, Object> columns, List<String> selected, String label) throws SQLException {
    if (!selected.contains(label)) {
      throw new SQLException("The column name " + label + " was not found in this ResultSet.");
    }
    return columns.get(label);
  }

  @Test
  void the_insert_writes_the_request_in_its_columns() {
    operations.insert(requested(), "fp", "isolate", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    Map<String, Object> expected = new HashMap<>();
    expected.put("id", ID);
    expected.put("idempotency_key", "key-1");
    expected.put("source_vm", "vm-1");
    expected.put("source_vm_name", "golden");
    expected.put("source_host", "host-a");
    expected.put("target_host", "host-b");
    expected.put("count", 2);
    expected.put("names", "[\"web\",\"web-2\"]");
    expected.put("lease_millis", 30_000L);
    expected.put("phase", "REQUESTED");
    // a new operation: requested and updated at the same instant
    expected.put("requested_at", Timestamp.from(T0));
    expected.put("updated_at", Timestamp.from(T0));
    expected.put("step_times", "{\"REQUESTED\":\"2025-01-01T00:00:00Z\"}");
    expected.put("tenant", "t1");
    expected.put("requested_by", "alice");
    expected.put("key_id", "k1");
    expected.put("request_fingerprint", "fp");
    expected.put("saga_id", ID);
    expected.put("identity_policy", "isolate");
    expected.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expected.put("labels", "{}");
    expected.put("target_hosts", "[\"host-b\",\"host-c\"]");
    expected.put("placement", "spread");
    expected.put("partial", true);
    assertThat(bound(1, 0)).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void a_completed_operation_reads_back_as_it_was_written() throws Exception {
    // given a completed operation with figures and clones
    CloneOperation op = requested();
    op = after(op, 20, new MemoryFrozen(PLAN, "base", T0, 850L, List.of("ram"), 1, T0));
    op = after(op, 30, new MemoryUnfrozen(PLAN, "base", List.of(), 0, 42));
    op = after(op, 70, new CloneConfigured(PLAN, List.of(CLONE),
        List.of(new io.hotclone.events.FailedClone(1, "host-c", "start", "driver-failure: no CPU left"))));
    // when written and read back
    Map<String, Object> columns = written(op);
    assertThat(op.outcome().failedClones()).hasSize(1);
    assertThat(columns.get("failed_clones").toString()).contains("\"host\":\"host-c\"").contains("no CPU left");
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
