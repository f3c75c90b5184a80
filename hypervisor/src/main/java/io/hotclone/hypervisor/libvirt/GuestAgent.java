package io.hotclone.hypervisor.libvirt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.libvirt.LibvirtException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The QEMU guest agent of one running domain, through libvirt ({@code virDomainQemuAgentCommand}).
 * Every call is bounded by a timeout; a guest without an agent, or with a disconnected one, makes
 * each call fail fast with {@link AgentUnavailable}.
 */
final class GuestAgent {
  static final String CHANNEL = "org.qemu.guest_agent.0";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final DomainRef domain;
  private final int timeoutSeconds;

  GuestAgent(DomainRef domain, int timeoutSeconds) {
    this.domain = domain;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The agent did not answer (none installed, not connected, or timed out). */
  static final class AgentUnavailable extends RuntimeException {
    AgentUnavailable(String message) {
      super(message);
    }
  }

  /** Result of a program run through {@code guest-exec}. */
  record Exec(int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** An interface as the guest sees it. */
  record Interface(String name, String mac, List<String> ipv4) {}

  /** Whether the domain's XML has an agent channel at all. */
  static boolean hasChannel(DomainXml xml) {
    return !xml.all("/domain/devices/channel/target[@name='" + CHANNEL + "']").isEmpty();
  }

  /** Waits until the agent answers {@code guest-ping}, at most {@code wait}. */
  boolean awaitReady(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        call("guest-ping", null, 1);
        return true;
      } catch (AgentUnavailable e) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        sleep(200);
      }
    }
  }

  /** Names of the commands the agent has enabled (distributions disable some). */
  Set<String> enabledCommands() {
    Set<String> names = new HashSet<>();
    for (JsonNode c : call("guest-info", null, timeoutSeconds).path("supported_commands")) {
      if (c.path("enabled").asBoolean(false)) {
        names.add(c.path("name").asString());
      }
    }
    return names;
  }

  /** Runs {@code path args...} in the guest and waits for it to exit. */
  Exec exec(String path, List<String> args) {
    ObjectNode a = JSON.createObjectNode();
    a.put("path", path);
    a.put("capture-output", true);
    var arr = a.putArray("arg");
    args.forEach(arr::add);
    long pid = call("guest-exec", a, timeoutSeconds).path("pid").asLong();
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (true) {
      ObjectNode s = JSON.createObjectNode();
      s.put("pid", pid);
      JsonNode st = call("guest-exec-status", s, timeoutSeconds);
      if (st.path("exited").asBoolean(false)) {
        return new Exec(st.path("exitcode").asInt(-1), decode(st.path("out-data")), decode(st.path("err-data")));
      }
      if (System.nanoTime() > deadline) {
        throw new AgentUnavailable(path + " did not exit within " + timeoutSeconds + " s");
      }
      sleep(20);
    }
  }

  /** Writes {@code data} into a guest file (opened with {@code mode}, e.g. {@code w}). */
  void writeFile(String path, String mode, byte[] data) {
    ObjectNode open = JSON.createObjectNode();
    open.put("path", path);
    open.put("mode", mode);
    long handle = call("guest-file-open", open, timeoutSeconds).asLong();
    try {
      ObjectNode w = JSON.createObjectNode();
      w.put("handle", handle);
      w.put("buf-b64", Base64.getEncoder().encodeToString(data));
      call("guest-file-write", w, timeoutSeconds);
    } finally {
      ObjectNode c = JSON.createObjectNode();
      c.put("handle", handle);
      call("guest-file-close", c, timeoutSeconds);
    }
  }

  String hostName() {
    return call("guest-get-host-name", null, timeoutSeconds).path("host-name").asString();
  }

  List<Interface> interfaces() {
    List<Interface> out = new ArrayList<>();
    for (JsonNode i : call("guest-network-get-interfaces", null, timeoutSeconds)) {
      List<String> v4 = new ArrayList<>();
      for (JsonNode a : i.path("ip-addresses")) {
        if ("ipv4".equals(a.path("ip-address-type").asString())) {
          v4.add(a.path("ip-address").asString() + "/" + a.path("prefix").asInt());
        }
      }
      out.add(new Interface(i.path("name").asString(), i.path("hardware-address").asString(""), v4));
    }
    return out;
  }

  private JsonNode call(String command, ObjectNode arguments, int timeout) {
    ObjectNode cmd = JSON.createObjectNode();
    cmd.put("execute", command);
    if (arguments != null) {
      cmd.set("arguments", arguments);
    }
    String reply;
    try {
      reply = domain.domain().qemuAgentCommand(JSON.writeValueAsString(cmd), timeout, 0);
    } catch (LibvirtException e) {
      throw new AgentUnavailable(command + ": " + e.getMessage());
    }
    JsonNode node = JSON.readTree(reply == null ? "{}" : reply);
    if (node.has("error")) {
      throw new AgentUnavailable(command + ": " + node.path("error").path("desc").asString());
    }
    return node.path("return");
  }

  private static String decode(JsonNode b64) {
    return b64.isMissingNode() || b64.isNull() ? "" : new String(Base64.getDecoder().decode(b64.asString()), StandardCharsets.UTF_8);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentUnavailable("interrupted");
    }
  }
}
