package io.hotclone.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real PostgreSQL server (zonky embedded binaries) whose data directory is kept. */
public final class LocalPostgres implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts the server on {@code port} (0 = any free port) with its data in {@code dataDir}, not
   * durable: a commit returns before its WAL is flushed (devstack and tests, where the server dies
   * with the JVM that uses it).
   */
  public static LocalPostgres start(int port, Path dataDir) {
    return start(port, dataDir, false);
  }

  /**
   * With {@code durable}, PostgreSQL's own defaults ({@code fsync} and {@code synchronous_commit}
   * on): a committed transaction survives the server being killed, as the services' inbox, outbox
   * and leases require when the server is a process of its own (scripts/cluster.sh). Without, a
   * SIGKILL loses the last few hundred milliseconds of commits.
   */
  public static LocalPostgres start(int port, Path dataDir, boolean durable) {
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              // devstack stops the server itself, after the services that use it
              .setRegisterShutdownHook(false)
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", durable ? "on" : "off")
              .setServerConfig("synchronous_commit", durable ? "on" : "off");
      if (port > 0) {
        builder.setPort(port);
      }
      return new LocalPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not start", e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
