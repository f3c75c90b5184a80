package io.hotclone.hypervisor.libvirt;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** What the driver reads from and adds to a libvirt connection URI (pure string work). */
final class LibvirtUris {
  private LibvirtUris() {}

  /**
   * Whether a URI uses libvirt's TLS transport: {@code driver+tls://…}, or a remote URI without a
   * transport ({@code qemu://host/system}: TLS is libvirt's default for a named host).
   */
  static boolean isTls(String uri) {
    int sep = uri.indexOf("://");
    if (sep < 0) {
      return false;
    }
    String scheme = uri.substring(0, sep);
    int plus = scheme.indexOf('+');
    if (plus >= 0) {
      return scheme.substring(plus + 1).equalsIgnoreCase("tls");
    }
    String rest = uri.substring(sep + 3);
    int end = indexOfAny(rest, "/?");
    String authority = end < 0 ? rest : rest.substring(0, end);
    return !authority.isEmpty();
  }

  /** {@code uri} with {@code pkipath=dir} appended, if it is a TLS URI that names no pkipath. */
  static String withPkiPath(String uri, Path dir) {
    if (!isTls(uri) || param(uri, "pkipath").isPresent()) {
      return uri;
    }
    int hash = uri.indexOf('#');
    String base = hash < 0 ? uri : uri.substring(0, hash);
    String fragment = hash < 0 ? "" : uri.substring(hash);
    String sep = base.indexOf('?') < 0 ? "?" : (base.endsWith("?") || base.endsWith("&") ? "" : "&");
    return base + sep + "pkipath=" + escape(dir.toString()) + fragment;
  }

  /** The {@code pkipath} the URI names, if any. */
  static Optional<Path> pkiPath(String uri) {
    return param(uri, "pkipath").map(Path::of);
  }

  static Optional<String> param(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    int hash = uri.indexOf('#', q);
    String query = hash < 0 ? uri.substring(q + 1) : uri.substring(q + 1, hash);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** Percent-encodes all but unreserved characters and '/' (libvirt unescapes URI parameters). */
  static String escape(String value) {
    StringBuilder b = new StringBuilder();
    for (byte c : value.getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c & 0xff));
      }
    }
    return b.toString();
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
