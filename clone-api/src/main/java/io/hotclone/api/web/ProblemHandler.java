package io.hotclone.api.web;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.security.ProblemResponses;
import io.hotclone.hypervisor.HypervisorException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as an RFC 9457 problem detail ({@code application/problem+json}) with {@code type}
 * {@code urn:hotclone:problem:<code>} and the {@code code} as an extension member, Spring MVC's own
 * errors included: unreadable body → 400 ({@link JsonProblems}: {@code missing-body}, {@code
 * malformed-json}, {@code unknown-field}, {@code wrong-type}, {@code number-out-of-range}), unknown
 * path → 404 {@code not-found}, 405 {@code method-not-allowed}, 406 {@code not-acceptable}, 415
 * {@code unsupported-media-type}, and so on. Rule violations are 422 with {@code field}; 429 carries
 * {@code Retry-After}. Hypervisor failures map by subtype: not found → 404, not running / conflicts
 * → 409, unsupported → 501, host unreachable → 503, anything else the driver refused → 502.
 */
@RestControllerAdvice // global: errors raised before a controller is chosen (405, 406, 415, 404) come here too
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  static final String TYPE_PREFIX = ProblemResponses.TYPE_PREFIX;

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> api(ApiProblem e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> response = problem(e.status(), e.code(), e.getMessage(), request);
    if (e instanceof Throttled t) {
      return ResponseEntity.status(response.getStatusCode())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(t.retryAfterSeconds()))
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(response.getBody());
    }
    return response;
  }

  @ExceptionHandler(RequestRejected.class)
  ResponseEntity<ProblemDetail> rejected(RequestRejected e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> response =
        problem(HttpStatus.UNPROCESSABLE_CONTENT, e.code(), e.getMessage(), request);
    response.getBody().setProperty("field", e.field());
    e.extensions().forEach(response.getBody()::setProperty);
    return response;
  }

  @ExceptionHandler(HypervisorException.class)
  ResponseEntity<ProblemDetail> hypervisor(HypervisorException e, HttpServletRequest request) {
    return problem(statusOf(e), e.code(), e.getMessage(), request);
  }

  @ExceptionHandler(DataIntegrityViolationException.class)
  ResponseEntity<ProblemDetail> conflict(DataIntegrityViolationException e, HttpServletRequest request) {
    log.info("conflicting write on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMostSpecificCause().toString());
    return problem(HttpStatus.CONFLICT, "conflict", "the request conflicts with a concurrent one; try again", request);
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e, HttpServletRequest request) {
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "unexpected error", request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    JsonProblems p = JsonProblems.of(e);
    ProblemDetail body = detail(HttpStatus.BAD_REQUEST, p.code(), p.detail());
    if (p.field() != null) {
      body.setProperty("field", p.field());
    }
    return handleExceptionInternal(e, body, headers, HttpStatus.BAD_REQUEST, request);
  }

  /** Spring MVC's own problems get our {@code type} and {@code code}; the body is always problem+json. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem = body instanceof ProblemDetail pd ? pd : ProblemDetail.forStatus(status);
    if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
      String code = codeOf(e, status);
      problem.setType(URI.create(TYPE_PREFIX + code));
      problem.setProperty("code", code);
    }
    if (request instanceof ServletWebRequest swr) {
      problem.setInstance(instance(swr.getRequest()));
    }
    HttpHeaders out = new HttpHeaders();
    if (headers != null) {
      out.putAll(headers);
    }
    out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return ResponseEntity.status(status).headers(out).body(problem);
  }

  static String codeOf(Exception e, HttpStatusCode status) {
    if (e instanceof NoResourceFoundException || e instanceof NoHandlerFoundException) {
      return "not-found";
    }
    if (e instanceof HttpRequestMethodNotSupportedException) {
      return "method-not-allowed";
    }
    if (e instanceof HttpMediaTypeNotSupportedException) {
      return "unsupported-media-type";
    }
    if (e instanceof HttpMediaTypeNotAcceptableException) {
      return "not-acceptable";
    }
    if (e instanceof MissingServletRequestParameterException || e instanceof MissingRequestHeaderException) {
      return "missing-parameter";
    }
    if (e instanceof MethodArgumentTypeMismatchException) {
      return "wrong-type";
    }
    return slug(status);
  }

  /** {@code 413} → {@code payload-too-large}: the status's reason phrase as a code. */
  static String slug(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    String phrase = known == null ? "error-" + status.value() : known.getReasonPhrase();
    return phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
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

  /** The request's path as the problem's {@code instance}; none if it is not a valid URI reference. */
  static URI instance(HttpServletRequest request) {
    try {
      return URI.create(request.getRequestURI());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String code, String detail, HttpServletRequest request) {
    ProblemDetail problem = detail(status, code, detail);
    problem.setInstance(instance(request));
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
