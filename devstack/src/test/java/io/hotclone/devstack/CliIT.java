package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.cli.HotcloneCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code hotclone} command line against the devstack API: output and exit codes. */
class CliIT {

  record Run(int code, String out, String err) {
    JsonNode json() {
      return TestStack.JSON.readTree(out);
    }
  }

  private static Run cli(String... args) {
    return cliAs(TestStack.key("tenant-a"), args);
  }

  private static Run cliAs(String key, String... args) {
    List<String> all = new ArrayList<>(List.of("--url", "http://localhost:" + TestStack.get().apiPort(), "--api-key", key));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HotcloneCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void hostsAndVmsList() {
    Run hosts = cli("--output", "json", "hosts");
    assertThat(hosts.code()).as(hosts.err()).isZero();
    assertThat(hosts.json().findValuesAsString("name")).contains("host-a", "host-b");
    Run vms = cli("vms");
    assertThat(vms.code()).isZero();
    assertThat(vms.out()).contains(TestStack.demoVmId()).contains("demo-1").contains("host-a");
  }

  @Test
  void cloneWaitLineageAndDelete() {
    Run clone = cli("clone", "demo-1", "--to", "host-b", "--count", "1", "--wait");
    assertThat(clone.code()).as(clone.out() + clone.err()).isZero();
    assertThat(clone.out()).contains("COMPLETED");
    // progress fed by the operation's event stream: every phase, in order, each with its bar (a
    // poll every 250 ms misses the phases the embedded saga passes in a few milliseconds)
    List<String> progress = clone.out().lines().filter(l -> !l.startsWith("  ")).map(l -> l.split("\t", 2)[1]).toList();
    assertThat(progress).containsExactly(
        "REQUESTED\t[#-------] 1/8", "STORAGE_FROZEN\t[##------] 2/8", "MEMORY_FROZEN\t[###-----] 3/8",
        "STATE_COPIED\t[####----] 4/8", "MEMORY_UNFROZEN\t[#####---] 5/8", "STORAGE_UNFROZEN\t[######--] 6/8",
        "CONFIGURED\t[#######-] 7/8", "COMPLETED\t[########] 8/8");
    String cloneVm = clone.out().lines().filter(l -> l.startsWith("  ")).findFirst().orElseThrow().strip().split("\t")[0];

    Run lineage = cli("--output", "json", "lineage", cloneVm);
    assertThat(lineage.code()).as(lineage.err()).isZero();
    assertThat(lineage.json().path("ancestors").findValuesAsString("id")).contains(TestStack.demoVmId());

    assertThat(cli("delete", cloneVm).code()).isZero();
    assertThat(cli("delete", cloneVm).code()).as("deleting again is fine").isZero();
    assertThat(cli("vms").out()).as("a deleted VM is not listed").doesNotContain(cloneVm);
  }

  @Test
  void cloneWithoutWaitPrintsTheIdAndWatchFollowsIt() {
    Run clone = cli("-o", "json", "clone", "demo-1", "--to", "host-b");
    assertThat(clone.code()).as(clone.err()).isZero();
    String id = clone.json().path("id").asString();
    Run watch = cli("watch", id);
    assertThat(watch.code()).as(watch.out() + watch.err()).isZero();
    assertThat(watch.out()).contains(id + "\tCOMPLETED");
  }

  @Test
  void cloneWithoutATargetHostIsPlacedAndSaysWhereEachCloneWent() {
    Run requested = cli("clone", "demo-1", "--count", "2", "--partial");
    assertThat(requested.code()).as(requested.out() + requested.err()).isZero();
    String hostsLine = requested.out().lines().filter(l -> l.startsWith("  hosts\t")).findFirst().orElseThrow();
    assertThat(hostsLine.split("\t")[1].split(",")).hasSize(2).allMatch(h -> h.equals("host-a") || h.equals("host-b"));
    String id = requested.out().lines().findFirst().orElseThrow().split("\t")[0];
    Run view = cli("-o", "json", "watch", id);
    assertThat(view.code()).as(view.out() + view.err()).isZero();

    // pack: the host with the least memory room (ties: name) takes both
    java.util.function.ToLongFunction<String> room = h -> {
      var c = TestStack.hypervisor().capacity(new io.hotclone.hypervisor.HostName(h));
      return c.totalMemoryBytes() - c.vmMemoryBytes();
    };
    String fullest = room.applyAsLong("host-a") <= room.applyAsLong("host-b") ? "host-a" : "host-b";
    Run packed = cli("clone", "demo-1", "--count", "2", "--placement", "pack", "--wait");
    assertThat(packed.code()).as(packed.out() + packed.err()).isZero();
    List<String> cloneHosts = packed.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.strip().split("\t")[2]).toList();
    assertThat(cloneHosts).hasSize(2);
    assertThat(cloneHosts).as("packed on the fullest host").containsExactly(fullest, fullest);
  }

  @Test
  void aFailedCloneExitsOne() {
    InjectedFailures.failNextOperationOfTheNextClone("copy-0", "injected: target disk full");
    Run clone = cli("clone", "demo-1", "--to", "host-b", "--wait");
    assertThat(clone.code()).as(clone.out() + clone.err()).isEqualTo(1);
    assertThat(clone.out()).contains("FAILED").contains("injected: target disk full");
  }

  @Test
  void errorsMapToTheirExitCodes() {
    Run unknownVm = cli("clone", "no-such-vm", "--to", "host-b");
    assertThat(unknownVm.code()).isEqualTo(4);
    assertThat(unknownVm.err()).contains("404");
    assertThat(cli("clone", "demo-1", "--to", "host-b", "--count", "0").code()).as("422").isEqualTo(3);
    assertThat(cliAs("hc_nope_nope", "vms").code()).as("401").isEqualTo(5);
    assertThat(cli("clone", "demo-1", "--placement", "random").code()).as("unknown placement").isEqualTo(2);
    Run down = new Run(HotcloneCli.run(new String[] {"--url", "http://localhost:1", "hosts"},
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), "", "");
    assertThat(down.code()).as("unreachable").isEqualTo(6);
  }
}
