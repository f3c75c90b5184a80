package io.hotclone.api.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;

/** The {@link Caller} of the current request. */
public final class Callers {

  private Callers() {}

  /**
   * @throws AuthenticationCredentialsNotFoundException when the request is not authenticated (the
   *     security filter chain lets no such request reach a controller)
   */
  public static Caller current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth instanceof CallerAuthentication ca) {
      return ca.getPrincipal();
    }
    throw new AuthenticationCredentialsNotFoundException("not authenticated");
  }
}
