package io.hotclone.config.domain;

import io.hotclone.hypervisor.VmIdentity;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * Derives a clone's identity deterministically from (clone id, index, attempt): the same inputs give
 * the same identity, so a redelivered event configures the same clone. {@code attempt} changes
 * every derived field after a uniqueness conflict. The IP is allocated from the target network's
 * {@link IpPool} (it must be unique and routable there, not derived) and passed in.
 */
public final class IdentityDerivation {

  private IdentityDerivation() {}

  public static VmIdentity derive(
      String sourceName, String requestedName, UUID cloneId, int index, int attempt, String ip, int prefixLength, String gateway) {
    String seed = cloneId + "/" + index + "/" + attempt;
    UUID uuid = UUID.nameUUIDFromBytes(("uuid:" + seed).getBytes(StandardCharsets.UTF_8));
    UUID generation = UUID.nameUUIDFromBytes(("vmgenid:" + seed).getBytes(StandardCharsets.UTF_8));
    long bits = uuid.getLeastSignificantBits();
    String mac =
        String.format(
            Locale.ROOT,
            "52:54:00:%02x:%02x:%02x",
            (bits >>> 16) & 0xff,
            (bits >>> 8) & 0xff,
            bits & 0xff);
    String shortId = cloneId.toString().substring(0, 8);
    String name =
        requestedName != null && !requestedName.isBlank()
            ? requestedName
            : sourceName + "-c" + shortId + "-" + index + (attempt == 0 ? "" : "-" + attempt);
    String hostname = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String serial = "HC-" + uuid.toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    return new VmIdentity(name, uuid, mac, hostname, ip, serial, generation, prefixLength, gateway);
  }
}
