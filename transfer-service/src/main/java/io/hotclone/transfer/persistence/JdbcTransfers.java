package io.hotclone.transfer.persistence;

import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.VmId;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** {@link Transfers} in the {@code transfers} table. */
@Repository
public class JdbcTransfers implements Transfers {

  private final JdbcTemplate jdbc;

  public JdbcTransfers(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void record(UUID cloneId, int index, VmId source, CopiedState c) {
    jdbc.update(
        "INSERT INTO transfers (clone_id, clone_index, source_vm, target_host, image_ref, bytes,"
            + " pages_copied, zero_pages_skipped, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        cloneId,
        index,
        source.value(),
        c.target().value(),
        c.imageRef(),
        c.bytes(),
        c.pagesCopied(),
        c.zeroPagesSkipped(),
        c.checksum());
  }

  @Override
  public void released(UUID cloneId) {
    jdbc.update("UPDATE transfers SET released_at = now() WHERE clone_id = ? AND released_at IS NULL", cloneId);
  }
}
