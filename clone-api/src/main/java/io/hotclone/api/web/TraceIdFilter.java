package io.hotclone.api.web;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every answer names its trace in {@code X-Trace-Id} (32 hex digits): the trace of the request's
 * server span, which a clone request's events carry through all five services. Runs right after
 * the server observation filter (which starts the span; it continues a {@code traceparent} the
 * caller sends) and before security, so refusals carry it too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class TraceIdFilter extends OncePerRequestFilter {

  /** The response header with the request's trace id. */
  public static final String HEADER = "X-Trace-Id";

  private final ObjectProvider<Tracer> tracer;

  public TraceIdFilter(ObjectProvider<Tracer> tracer) {
    this.tracer = tracer;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Tracer t = tracer.getIfAvailable();
    Span span = t == null ? null : t.currentSpan();
    if (span != null && !span.isNoop()) {
      response.setHeader(HEADER, span.context().traceId());
    }
    chain.doFilter(request, response);
  }
}
