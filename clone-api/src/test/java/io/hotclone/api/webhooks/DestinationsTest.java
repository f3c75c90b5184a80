package io.hotclone.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DestinationsTest {

  /** A fake DNS: literals resolve to themselves, names from the map, anything else is unknown. */
  private static Destinations.Resolver dns(Map<String, List<String>> names) {
    return host -> {
      List<String> addresses = Cidr.isLiteral(host) ? List.of(host) : names.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> out = new java.util.ArrayList<>();
      for (String a : addresses) {
        out.add(InetAddress.getByName(a));
      }
      return out;
    };
  }

  private static final Destinations.Resolver NO_NAMES = dns(Map.of());
  private final Destinations publicOnly = Destinations.of(List.of(), true);

  @Test
  void byDefaultOnlyPublicAddressesAreAllowed() {
    assertThat(publicOnly.check("93.184.216.34", NO_NAMES)).isEmpty();
    assertThat(publicOnly.check("2606:2800:220:1:248:1893:25c8:1946", NO_NAMES)).isEmpty();
    for (String internal : List.of("127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
        "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1")) {
      Optional<Destinations.Refusal> r = publicOnly.check(internal, NO_NAMES);
      assertThat(r).as(internal).isPresent();
      assertThat(r.get().code()).isEqualTo("destination-not-allowed");
    }
    assertThat(publicOnly.check("172.15.255.255", NO_NAMES)).isEmpty();
    assertThat(publicOnly.check("172.32.0.0", NO_NAMES)).isEmpty();
  }

  @Test
  void theRefusalNamesTheAddressAndWhyItIsRefused() {
    Destinations.Refusal r = publicOnly.check("localhost", dns(Map.of("localhost", List.of("127.0.0.1")))).orElseThrow();

    assertThat(r.reason()).isEqualTo("host localhost resolves to 127.0.0.1, a loopback address, which the operator's"
        + " allow-list (hotclone.webhooks.allowed-destinations) does not allow");
    assertThat(publicOnly.check("169.254.169.254", NO_NAMES).orElseThrow().reason()).contains("a link-local address");
    assertThat(publicOnly.check("10.1.2.3", NO_NAMES).orElseThrow().reason()).contains("a private address");
  }

  @Test
  void anAllowedBlockAdmitsExactlyItsAddresses() {
    Destinations loopback = Destinations.of(List.of("127.0.0.1/32"), true);

    assertThat(loopback.check("127.0.0.1", NO_NAMES)).isEmpty();
    assertThat(loopback.check("127.0.0.2", NO_NAMES)).isPresent();
    assertThat(loopback.check("::1", NO_NAMES)).isPresent();
    Destinations lan = Destinations.of(List.of("10.1.0.0/16", "fd00::/8"), true);
    assertThat(lan.check("10.1.255.255", NO_NAMES)).isEmpty();
    assertThat(lan.check("10.2.0.0", NO_NAMES)).isPresent();
    assertThat(lan.check("fd00::5", NO_NAMES)).isEmpty();
  }

  @Test
  void aNameThatResolvesToOneInternalAddressAmongPublicOnesIsRefused() {
    // DNS rebinding / split answers: every address must be allowed, not only the first
    Destinations.Resolver rebinding = dns(Map.of("hooks.example.com", List.of("93.184.216.34", "10.0.0.7")));

    Destinations.Refusal r = publicOnly.check("hooks.example.com", rebinding).orElseThrow();

    assertThat(r.reason()).contains("10.0.0.7");
  }

  @Test
  void anAllowedHostNameIsAllowedWhateverItResolvesTo() {
    Destinations names = Destinations.of(List.of("hooks.internal", "*.corp.example"), true);
    Destinations.Resolver privateDns = dns(Map.of(
        "hooks.internal", List.of("10.0.0.1"), "a.corp.example", List.of("10.0.0.2"), "corp.example", List.of("10.0.0.3"),
        "evilcorp.example", List.of("10.0.0.4")));

    assertThat(names.check("hooks.internal", privateDns)).isEmpty();
    assertThat(names.check("HOOKS.internal", privateDns)).isEmpty();
    assertThat(names.check("a.corp.example", privateDns)).isEmpty();
    assertThat(names.check("corp.example", privateDns)).isPresent();
    assertThat(names.check("evilcorp.example", privateDns)).isPresent();
  }

  @Test
  void anUnresolvableHostIsRefused() {
    assertThat(publicOnly.check("nowhere.invalid", NO_NAMES).orElseThrow().code()).isEqualTo("destination-unresolvable");
  }

  @Test
  void withoutPublicDestinationsOnlyTheListIsAllowed() {
    Destinations listOnly = Destinations.of(List.of("203.0.113.0/24"), false);

    assertThat(listOnly.check("93.184.216.34", NO_NAMES)).isPresent();
    assertThat(listOnly.check("203.0.113.9", NO_NAMES)).isEmpty();
  }

  @Test
  void urlsMustBeAbsoluteHttpOrHttpsWithAHostAndNoUserInfo() {
    assertThat(Destinations.urlProblem("https://hooks.example.com/in")).isEmpty();
    assertThat(Destinations.urlProblem("http://127.0.0.1:8080/x?y=1")).isEmpty();
    assertThat(Destinations.urlProblem("ftp://hooks.example.com/").orElseThrow().code()).isEqualTo("unsupported-scheme");
    assertThat(Destinations.urlProblem("file:///etc/passwd").orElseThrow().code()).isEqualTo("unsupported-scheme");
    assertThat(Destinations.urlProblem("/relative").orElseThrow().code()).isEqualTo("unsupported-scheme");
    assertThat(Destinations.urlProblem("http://user:pw@hooks.example.com/").orElseThrow().code()).isEqualTo("invalid-url");
    assertThat(Destinations.urlProblem("http://hooks.example.com/#frag").orElseThrow().code()).isEqualTo("invalid-url");
    assertThat(Destinations.urlProblem("http:// bad").orElseThrow().code()).isEqualTo("invalid-url");
    assertThat(Destinations.urlProblem(null).orElseThrow().code()).isEqualTo("required");
    assertThat(Destinations.host("http://[::1]:9/x")).isEqualTo("::1");
  }

  @Test
  void aMalformedAllowListEntryFailsAtStartup() {
    assertThatThrownBy(() -> Destinations.of(List.of("10.0.0.0/33"), true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Destinations.of(List.of("http://x"), true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cidrBoundaries() {
    Cidr twelve = Cidr.parse("172.16.0.0/12");
    assertThat(twelve.contains(addr("172.16.0.0"))).isTrue();
    assertThat(twelve.contains(addr("172.31.255.255"))).isTrue();
    assertThat(twelve.contains(addr("172.32.0.0"))).isFalse();
    assertThat(twelve.contains(addr("172.15.255.255"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(addr("8.8.8.8"))).isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains(addr("::1"))).isFalse();
    assertThat(Cidr.parse("fe80::/10").contains(addr("febf::1"))).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains(addr("fec0::1"))).isFalse();
  }

  private static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
