package io.hotclone.support.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report as an RFC 9457 problem detail ({@code application/problem+json}) instead
 * of an HTML page: for the errors Tomcat answers itself, before Spring sees the request (a request
 * line or header it cannot parse, a header larger than {@code server.max-http-request-header-size}).
 * The body carries {@code type}, {@code title}, {@code status}, {@code detail} and the same {@code
 * code} the API's own problems carry (the reason phrase as a slug: {@code bad-request}). It never
 * echoes the request or the exception's message, which may hold what the client sent.
 */
public final class ProblemReportValve extends ErrorReportValve {
  /** The {@code type} prefix of every HotClone problem detail; the code follows it. */
  public static final String TYPE_PREFIX = "urn:hotclone:problem:";

  public ProblemReportValve() {
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(true);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(body(status));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went away or the response is committed: nothing more to tell it
    }
  }

  /** The problem detail for {@code status}, as JSON. */
  static String body(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error " + status : known.getReasonPhrase();
    String code = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    String detail =
        status == 400
            ? "The server could not read the request (a malformed request line or header, or headers larger than it accepts)."
            : "The server answered " + status + " before the request reached the application.";
    return "{\"type\":\"" + TYPE_PREFIX + code + "\",\"title\":\"" + title + "\",\"status\":" + status
        + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
  }
}
