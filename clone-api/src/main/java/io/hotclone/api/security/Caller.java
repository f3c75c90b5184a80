package io.hotclone.api.security;

import io.hotclone.events.Requester;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a request acts as: the authenticated {@code subject}, the {@code tenant} whose VMs and
 * operations it sees, the {@code keyId} of the API key used ({@code null} for a JWT) and its
 * {@code scopes}. A caller with {@link Scopes#ADMIN} sees every tenant.
 */
public record Caller(String subject, String tenant, String keyId, Set<String> scopes) {

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public boolean admin() {
    return scopes.contains(Scopes.ADMIN);
  }

  /** Whether this caller may see something of {@code owner} (its own tenant, or any for an admin). */
  public boolean sees(String owner) {
    return admin() || tenant.equals(owner);
  }

  /** The tenant a listing is restricted to: its own, or {@code null} (all) for an admin. */
  public String tenantFilter() {
    return admin() ? null : tenant;
  }

  public Requester requester() {
    return new Requester(subject, tenant, keyId);
  }

  @Override
  public String toString() { // no secret is ever part of a caller; scopes sorted for stable logs
    return "Caller[" + subject + ", tenant " + tenant + (keyId == null ? "" : ", key " + keyId) + ", "
        + new TreeSet<>(scopes) + "]";
  }
}
