package io.hotclone.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries {@code X-API-Key}. A key that is malformed, unknown, wrong
 * or revoked ends the request with a 401 problem ({@code invalid-api-key}); the key is never logged
 * nor echoed.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {

  public static final String HEADER = "X-API-Key";

  private final ApiKeys keys;

  public ApiKeyFilter(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String presented = request.getHeader(HEADER);
    if (presented == null) {
      chain.doFilter(request, response);
      return;
    }
    Optional<Caller> caller = keys.authenticate(presented.trim());
    if (caller.isEmpty()) {
      response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
      ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, "invalid-api-key",
          "the API key is unknown, malformed or revoked");
      return;
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(caller.get()));
    SecurityContextHolder.setContext(context);
    chain.doFilter(request, response);
  }
}
