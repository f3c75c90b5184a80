package io.hotclone.api.api;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.hypervisor.HypervisorException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem detail ({@code application/problem+json}) with {@code type}
 * {@code urn:hotclone:problem:<code>} and the {@code code} as an extension member. Spring MVC's own
 * errors (malformed JSON → 400, unknown path → 404, …) come from the base class. Hypervisor failures
 * map by subtype: not found → 404, not running / conflicts → 409, unsupported → 501, host
 * unreachable → 503, anything else the driver refused → 502.
 */
@RestControllerAdvice(basePackages = "io.hotclone.api")
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  static final String TYPE_PREFIX = "urn:hotclone:problem:";

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> api(ApiProblem e, HttpServletRequest request) {
    return problem(e.status(), e.code(), e.getMessage(), request);
  }

  @ExceptionHandler(RequestRejected.class)
  ResponseEntity<ProblemDetail> rejected(RequestRejected e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> response =
        problem(HttpStatus.UNPROCESSABLE_CONTENT, e.code(), e.getMessage(), request);
    response.getBody().setProperty("field", e.field());
    return response;
  }

  @ExceptionHandler(HypervisorException.class)
  ResponseEntity<ProblemDetail> hypervisor(HypervisorException e, HttpServletRequest request) {
    return problem(statusOf(e), e.code(), e.getMessage(), request);
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e, HttpServletRequest request) {
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "unexpected error: " + e, request);
  }

  static HttpStatus statusOf(HypervisorException e) {
    if (e instanceof HypervisorException.VmNotFound || e instanceof HypervisorException.HostNotFound) {
      return HttpStatus.NOT_FOUND;
    }
    if (e instanceof HypervisorException.VmNotRunning
        || e instanceof HypervisorException.IdentityConflict
        || e instanceof HypervisorException.NotFrozen
        || e instanceof HypervisorException.LeaseExpired) {
      return HttpStatus.CONFLICT;
    }
    if (e instanceof HypervisorException.Unsupported) {
      return HttpStatus.NOT_IMPLEMENTED;
    }
    if (e instanceof HypervisorException.HostUnreachable) {
      return HttpStatus.SERVICE_UNAVAILABLE;
    }
    return HttpStatus.BAD_GATEWAY;
  }

  static ProblemDetail detail(HttpStatus status, String code, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_PREFIX + code));
    problem.setProperty("code", code);
    return problem;
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String code, String detail, HttpServletRequest request) {
    ProblemDetail problem = detail(status, code, detail);
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
