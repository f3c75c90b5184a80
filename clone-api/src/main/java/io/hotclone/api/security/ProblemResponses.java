package io.hotclone.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details where no controller runs: the security filters (401 {@code
 * unauthenticated} with {@code WWW-Authenticate}, 403 {@code insufficient-scope}) and servlet
 * filters. Same shape as the controllers' problems: {@code type} {@code urn:hotclone:problem:<code>},
 * {@code title}, {@code status}, {@code detail}, {@code instance}, {@code code}.
 */
public final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  public static final String TYPE_PREFIX = io.hotclone.support.web.ProblemReportValve.TYPE_PREFIX;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer, ApiKey header=\"X-API-Key\"");
    write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated",
        "authentication required: an API key in X-API-Key or a bearer token in Authorization");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    write(request, response, HttpStatus.FORBIDDEN, "insufficient-scope",
        "the credentials lack the scope " + RequiredScopes.of(request) + " this request needs");
  }

  /** Writes one problem unless the response is committed already. */
  public static void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code, String detail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(body(status, code, detail, request.getRequestURI())));
    response.flushBuffer();
  }

  /** The members of a problem detail, in RFC 9457 order plus {@code code}. */
  public static Map<String, Object> body(HttpStatus status, String code, String detail, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_PREFIX + code);
    body.put("title", status.getReasonPhrase());
    body.put("status", status.value());
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    body.put("code", code);
    return body;
  }
}
