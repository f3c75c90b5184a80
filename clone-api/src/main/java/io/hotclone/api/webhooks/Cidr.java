package io.hotclone.api.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 address block, {@code 10.0.0.0/8} or {@code fc00::/7}; a bare address is a block of one. */
public record Cidr(byte[] network, int prefix) {

  /**
   * Parses {@code address[/prefix]} (literal addresses only, never a DNS lookup).
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (!isLiteral(address)) {
      throw new IllegalArgumentException("not an address block: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address block: " + text, e);
    }
    int bits = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an address block: " + text, e);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix out of range: " + text);
    }
    return new Cidr(bytes, prefix);
  }

  /** Whether {@code text} is an IPv4 or IPv6 literal (so parsing it makes no DNS lookup). */
  public static boolean isLiteral(String text) {
    return text.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (text.contains(":") && text.matches("[0-9a-fA-F:.]+"));
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
