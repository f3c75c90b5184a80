package io.hotclone.api.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which scope each endpoint needs: {@code POST /api/v1/clones} {@link Scopes#CLONES_WRITE}, other
 * {@code /api/v1/clones/**} {@link Scopes#CLONES_READ}; {@code POST}/{@code DELETE} on {@code
 * /api/v1/vms/**} {@link Scopes#VMS_WRITE}, {@code GET} on it and {@code /api/v1/hosts} {@link
 * Scopes#VMS_READ}; {@code /api/v1/api-keys/**} {@link Scopes#KEYS_WRITE}; {@code GET} on {@code
 * /api/v1/webhooks/**} {@link Scopes#WEBHOOKS_READ}, other methods {@link Scopes#WEBHOOKS_WRITE}; {@code GET} on
 * {@code /api/v1/pools/**} {@link Scopes#POOLS_READ}, other methods (claims too) {@link Scopes#POOLS_WRITE}; anything else only
 * authentication. One table, read by the filter chain and by the 403 message.
 */
public final class RequiredScopes {

  private RequiredScopes() {}

  /** The scope {@code method path} needs, or {@code null} when any authenticated caller may. */
  public static String of(String method, String path) {
    if (path.startsWith("/api/v1/clones")) {
      return "POST".equals(method) ? Scopes.CLONES_WRITE : Scopes.CLONES_READ;
    }
    if (path.startsWith("/api/v1/vms")) {
      return "POST".equals(method) || "DELETE".equals(method) ? Scopes.VMS_WRITE : Scopes.VMS_READ;
    }
    if (path.startsWith("/api/v1/hosts")) {
      return Scopes.VMS_READ;
    }
    if (path.startsWith("/api/v1/webhooks")) {
      return "GET".equals(method) ? Scopes.WEBHOOKS_READ : Scopes.WEBHOOKS_WRITE;
    }
    if (path.startsWith("/api/v1/pools")) {
      return "GET".equals(method) ? Scopes.POOLS_READ : Scopes.POOLS_WRITE;
    }
    if (path.startsWith("/api/v1/api-keys")) {
      return Scopes.KEYS_WRITE;
    }
    return null;
  }

  static String of(HttpServletRequest request) {
    String scope = of(request.getMethod(), request.getRequestURI());
    return scope == null ? "(none)" : "'" + scope + "'";
  }
}
