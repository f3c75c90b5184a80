package io.hotclone.api.web;

import io.hotclone.api.security.ProblemResponses;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}, reached when something outside Spring MVC
 * ends a request with an error status) as a problem detail instead of Spring Boot's default JSON.
 */
@Hidden
@RestController
public class ProblemErrorController implements ErrorController {

  @RequestMapping(path = "/error", produces = MediaType.ALL_VALUE)
  ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
        ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status.value() < 400) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String problemCode = status == HttpStatus.NOT_FOUND ? "not-found" : ProblemHandler.slug(status);
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(ProblemResponses.body(status, problemCode, status.getReasonPhrase(), uri == null ? null : uri.toString()));
  }
}
