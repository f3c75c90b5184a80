package io.hotclone.support.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A {@link JdbcTemplate} without a database: it records each statement with its arguments and
 * answers with what the test scripted. It does not interpret SQL; what the statements do in
 * PostgreSQL is covered by the devstack integration tests.
 */
public final class RecordingJdbc extends JdbcTemplate {

  /** A statement as it was issued. */
  public record Statement(String sql, List<Object> args) {}

  private final List<Statement> statements = new ArrayList<>();
  private Function<Statement, Object> answer = s -> null;

  /** How every statement is answered: an update count, a query's value, or a thrown exception. */
  public RecordingJdbc answering(Function<Statement, Object> answer) {
    this.answer = answer;
    return this;
  }

  public List<Statement> statements() {
    return List.copyOf(statements);
  }

  @Override
  public int update(String sql, Object... args) {
    return (Integer) issue(sql, args);
  }

  @Override
  public <T> T queryForObject(String sql, Class<T> requiredType, Object... args) {
    return requiredType.cast(issue(sql, args));
  }

  @Override
  public <T> T queryForObject(String sql, Class<T> requiredType) {
    return requiredType.cast(issue(sql));
  }

  private Object issue(String sql, Object... args) {
    Statement s = new Statement(sql, Arrays.asList(args));
    statements.add(s);
    return answer.apply(s);
  }
}
