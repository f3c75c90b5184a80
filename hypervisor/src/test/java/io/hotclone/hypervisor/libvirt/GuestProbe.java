package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what a guest says about itself through its QEMU guest agent, with {@code virsh
 * qemu-agent-command} — a path independent of the driver's own agent code, so tests of that code
 * do not check it against itself. Shared with devstack's libvirt tests (test-jar).
 */
public final class GuestProbe {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Map<HostName, String> uris;

  public GuestProbe(Map<HostName, String> uris) {
    this.uris = uris;
  }

  public record Nic(String mac, List<String> ipv4) {}

  public boolean answers(HostName host, String domain) {
    try {
      agent(host, domain, "{\"execute\":\"guest-ping\"}");
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  public String hostname(HostName host, String domain) {
    return agent(host, domain, "{\"execute\":\"guest-get-host-name\"}").path("host-name").asString();
  }

  public Nic nic(HostName host, String domain, String name) {
    for (JsonNode i : agent(host, domain, "{\"execute\":\"guest-network-get-interfaces\"}")) {
      if (name.equals(i.path("name").asString())) {
        List<String> v4 = new ArrayList<>();
        for (JsonNode a : i.path("ip-addresses")) {
          if ("ipv4".equals(a.path("ip-address-type").asString())) {
            v4.add(a.path("ip-address").asString() + "/" + a.path("prefix").asInt());
          }
        }
        return new Nic(i.path("hardware-address").asString(), v4);
      }
    }
    throw new AssertionError(domain + " has no interface " + name);
  }

  /** Runs a program in the guest and returns its standard output. */
  public String exec(HostName host, String domain, String path, String... args) throws InterruptedException {
    var cmd = JSON.createObjectNode();
    cmd.put("execute", "guest-exec");
    var a = cmd.putObject("arguments");
    a.put("path", path);
    a.put("capture-output", true);
    var arr = a.putArray("arg");
    for (String s : args) {
      arr.add(s);
    }
    long pid = agent(host, domain, JSON.writeValueAsString(cmd)).path("pid").asLong();
    for (int i = 0; i < 200; i++) {
      JsonNode st = agent(host, domain, "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}");
      if (st.path("exited").asBoolean(false)) {
        String out = st.path("out-data").asString("");
        return new String(Base64.getDecoder().decode(out), StandardCharsets.UTF_8);
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " did not exit in " + domain);
  }

  public String liveXml(HostName host, String domain) {
    return virsh(host, "dumpxml", domain);
  }

  private JsonNode agent(HostName host, String domain, String json) {
    return JSON.readTree(virsh(host, "qemu-agent-command", domain, json, "--timeout", "5")).path("return");
  }

  private String virsh(HostName host, String... args) {
    List<String> cmd = new ArrayList<>(List.of("virsh", "-q", "-c", uris.get(host)));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + ": " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
