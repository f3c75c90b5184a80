package io.hotclone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class HotcloneCliTest {

  @Test
  void http_statuses_map_to_the_documented_exit_codes() {
    assertThat(ExitCodes.ofStatus(404)).isEqualTo(4);
    assertThat(ExitCodes.ofStatus(401)).isEqualTo(5);
    assertThat(ExitCodes.ofStatus(403)).isEqualTo(5);
    assertThat(ExitCodes.ofStatus(409)).isEqualTo(3);
    assertThat(ExitCodes.ofStatus(422)).isEqualTo(3);
    assertThat(ExitCodes.ofStatus(429)).isEqualTo(3);
    assertThat(ExitCodes.ofStatus(503)).isEqualTo(6);
  }

  @Test
  void help_lists_every_command_and_the_exit_codes() {
    StringWriter out = new StringWriter();
    int code = HotcloneCli.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("vms", "hosts", "clone", "watch", "lineage", "delete", "pools", "claim", "Exit codes:");
  }

  @Test
  void an_unknown_option_is_a_usage_error() {
    StringWriter err = new StringWriter();
    int code = HotcloneCli.run(new String[] {"vms", "--bogus"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--bogus");
  }

  @Test
  void pools_has_its_subcommands_and_claim_its_wait() {
    StringWriter out = new StringWriter();
    assertThat(HotcloneCli.run(new String[] {"pools", "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()))).isZero();
    assertThat(out.toString()).contains("create", "list", "show", "scale", "delete");
    StringWriter claim = new StringWriter();
    assertThat(HotcloneCli.run(new String[] {"claim", "--help"}, new PrintWriter(claim), new PrintWriter(new StringWriter()))).isZero();
    assertThat(claim.toString()).contains("--wait", "POOL");
    StringWriter err = new StringWriter();
    assertThat(HotcloneCli.run(new String[] {"pools", "scale", "p1"}, new PrintWriter(new StringWriter()), new PrintWriter(err)))
        .as("--replicas is required").isEqualTo(ExitCodes.USAGE);
  }
}
