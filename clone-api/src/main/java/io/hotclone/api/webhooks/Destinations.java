package io.hotclone.api.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may go: {@code http}/{@code https} URLs whose host is allowed. A host is allowed
 * when it matches a host name of the operator's allow-list ({@code hooks.example.com}, or {@code
 * *.example.com} for any name below it), or when every address it resolves to is either public
 * (and public destinations are allowed) or inside a block of the allow-list ({@code 10.1.0.0/16},
 * {@code 127.0.0.1/32}). Loopback, link-local, private, unique-local, carrier-grade NAT,
 * multicast, documentation and other special-purpose addresses (and IPv6 forms that embed an IPv4
 * address) are not public. The check runs at registration and again, after resolving, before every
 * send, so a name that later resolves to an internal address (DNS rebinding) is refused then.
 */
public final class Destinations {

  /** Resolves a host name (or a literal) to its addresses. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  public static final Resolver DNS = host -> List.of(InetAddress.getAllByName(host));
  public static final int MAX_URL_LENGTH = 2048;

  private static final List<Cidr> SPECIAL = List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
      "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
      "::/96", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32",
      "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
      // IPv4-mapped IPv6 (::ffff:a.b.c.d) needs no entry: the JDK makes it an IPv4 address
      .stream().map(Cidr::parse).toList();

  /** Why a destination is refused. */
  public record Refusal(String code, String reason) {}

  private final List<String> names;
  private final List<Cidr> blocks;
  private final boolean publicAllowed;

  private Destinations(List<String> names, List<Cidr> blocks, boolean publicAllowed) {
    this.names = names;
    this.blocks = blocks;
    this.publicAllowed = publicAllowed;
  }

  /**
   * The allow-list from the operator's entries: address blocks and literal addresses, host names,
   * {@code *.}-prefixed domains.
   *
   * @throws IllegalArgumentException on an entry that is none of these
   */
  public static Destinations of(List<String> entries, boolean publicAllowed) {
    List<String> names = new ArrayList<>();
    List<Cidr> blocks = new ArrayList<>();
    for (String raw : entries) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      if (e.contains("/") || Cidr.isLiteral(e)) {
        blocks.add(Cidr.parse(e));
      } else if (e.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
        names.add(e);
      } else {
        throw new IllegalArgumentException("not a host name, address or address block: " + raw);
      }
    }
    return new Destinations(List.copyOf(names), List.copyOf(blocks), publicAllowed);
  }

  /** The host of a webhook URL, or a refusal when it is not an absolute http(s) URL with a host. */
  public static Optional<Refusal> urlProblem(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of(new Refusal("required", "url is required"));
    }
    if (url.length() > MAX_URL_LENGTH) {
      return Optional.of(new Refusal("too-long", "url is longer than " + MAX_URL_LENGTH + " characters"));
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of(new Refusal("invalid-url", "url is not a URL: " + e.getReason()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(new Refusal("unsupported-scheme", "url must be http or https"));
    }
    if (uri.getHost() == null) {
      return Optional.of(new Refusal("invalid-url", "url has no host"));
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of(new Refusal("invalid-url", "url must not carry user information"));
    }
    if (uri.getRawFragment() != null) {
      return Optional.of(new Refusal("invalid-url", "url must not carry a fragment"));
    }
    return Optional.empty();
  }

  /** The host part of a URL {@link #urlProblem} accepts, without the brackets of an IPv6 literal. */
  public static String host(String url) {
    String host = URI.create(url).getHost();
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** Why {@code host} is not an allowed destination when resolved by {@code resolver}, or empty if it is. */
  public Optional<Refusal> check(String host, Resolver resolver) {
    String h = host.toLowerCase(Locale.ROOT);
    if (!Cidr.isLiteral(h) && names.stream().anyMatch(n -> nameMatches(n, h))) {
      return Optional.empty();
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(h);
    } catch (UnknownHostException e) {
      return Optional.of(new Refusal("destination-unresolvable", "host " + host + " does not resolve"));
    }
    if (addresses.isEmpty()) {
      return Optional.of(new Refusal("destination-unresolvable", "host " + host + " does not resolve"));
    }
    for (InetAddress a : addresses) {
      if (blocks.stream().anyMatch(b -> b.contains(a))) {
        continue;
      }
      boolean special = !isPublic(a);
      if (special || !publicAllowed) {
        return Optional.of(new Refusal("destination-not-allowed", "host " + host + " resolves to "
            + a.getHostAddress() + (special ? ", " + kind(a) + " address," : ",")
            + " which the operator's allow-list (hotclone.webhooks.allowed-destinations) does not allow"));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code a} is a public unicast address (none of the special-purpose blocks). */
  public static boolean isPublic(InetAddress a) {
    return SPECIAL.stream().noneMatch(b -> b.contains(a));
  }

  static String kind(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return "a loopback";
    }
    if (a.isLinkLocalAddress()) {
      return "a link-local";
    }
    if (a.isSiteLocalAddress() || Cidr.parse("fc00::/7").contains(a) || Cidr.parse("100.64.0.0/10").contains(a)) {
      return "a private";
    }
    if (a.isMulticastAddress()) {
      return "a multicast";
    }
    return "a special-purpose";
  }

  private static boolean nameMatches(String entry, String host) {
    return entry.startsWith("*.") ? host.endsWith(entry.substring(1)) : host.equals(entry);
  }
}
