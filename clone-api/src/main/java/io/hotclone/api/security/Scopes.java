package io.hotclone.api.security;

import java.util.Set;

/** The scopes of the API. An authority is {@code SCOPE_<scope>}, as Spring Security maps JWT scopes. */
public final class Scopes {

  public static final String CLONES_READ = "clones:read";
  public static final String CLONES_WRITE = "clones:write";
  public static final String VMS_READ = "vms:read";
  public static final String VMS_WRITE = "vms:write";
  /** Create and revoke API keys of one's own tenant. */
  public static final String KEYS_WRITE = "keys:write";
  /** List webhook endpoints of one's own tenant and their delivery logs. */
  public static final String WEBHOOKS_READ = "webhooks:read";
  /** Register and delete webhook endpoints of one's own tenant. */
  public static final String WEBHOOKS_WRITE = "webhooks:write";
  /** List and read warm pools of one's own tenant. */
  public static final String POOLS_READ = "pools:read";
  /** Create, resize, delete warm pools of one's own tenant and claim their clones. */
  public static final String POOLS_WRITE = "pools:write";
  /** Sees and acts on every tenant's VMs and operations. */
  public static final String ADMIN = "hotclone:admin";

  /** Every scope a tenant's own key may hold (not {@link #ADMIN}). */
  public static final Set<String> TENANT = Set.of(CLONES_READ, CLONES_WRITE, VMS_READ, VMS_WRITE, KEYS_WRITE, WEBHOOKS_READ, WEBHOOKS_WRITE, POOLS_READ, POOLS_WRITE);
  /** Every scope there is. */
  public static final Set<String> ALL =
      Set.of(CLONES_READ, CLONES_WRITE, VMS_READ, VMS_WRITE, KEYS_WRITE, WEBHOOKS_READ, WEBHOOKS_WRITE, POOLS_READ, POOLS_WRITE, ADMIN);

  private Scopes() {}

  static String authority(String scope) {
    return "SCOPE_" + scope;
  }
}
