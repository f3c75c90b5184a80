package io.hotclone.api.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hotclone.security.*}.
 *
 * @param jwt where JWTs are checked: {@code issuer} (the {@code iss} every token must carry), and
 *     {@code jwk-set-uri} or {@code public-key-location} (an RSA public key, PEM); none: JWTs are not
 *     accepted, API keys only
 * @param devDir development credentials (devstack, scripts/cluster.sh): a directory where an RSA key
 *     pair, an API key per {@code devTenants} entry and a token per tenant are made and written
 *     ({@code credentials.env}, owner-only); unset in production
 * @param devTenants the development tenants
 * @param discoveredVmTenant the tenant of VMs the API finds on the hypervisor without having made
 *     them (and of their clones); rows from before tenants existed belong to {@code default}
 * @param tenants per tenant: {@code hosts} it may use (clone to, create on); none listed = every host
 */
@ConfigurationProperties("hotclone.security")
public record SecurityProperties(
    @DefaultValue Jwt jwt,
    Path devDir,
    @DefaultValue({"tenant-a", "tenant-b"}) List<String> devTenants,
    @DefaultValue("default") String discoveredVmTenant,
    Map<String, Tenant> tenants) {

  public SecurityProperties {
    tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
  }

  /** JWT validation settings. */
  public record Jwt(String issuer, String jwkSetUri, String publicKeyLocation) {}

  /** A tenant's restrictions. */
  public record Tenant(List<String> hosts) {}

  /** Whether {@code tenant} may use {@code host}. */
  public boolean allowsHost(String tenant, String host) {
    Tenant t = tenants.get(tenant);
    return t == null || t.hosts() == null || t.hosts().isEmpty() || t.hosts().contains(host);
  }
}
