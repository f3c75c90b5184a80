package io.hotclone.api.web;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.security.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Request bodies larger than {@code hotclone.api.max-body-bytes} (16 KiB by default) are refused
 * with 413 {@code payload-too-large} before anything reads them: by {@code Content-Length}, or, for
 * a body without one (chunked), after reading one byte past the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter extends OncePerRequestFilter {

  private final int limit;

  public BodyLimitFilter(ApiProperties properties) {
    this.limit = properties.maxBodyBytes();
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    if (length > limit) {
      tooLarge(request, response);
      return;
    }
    if (length < 0 && request.getHeader("Transfer-Encoding") != null) {
      byte[] body = request.getInputStream().readNBytes(limit + 1);
      if (body.length > limit) {
        tooLarge(request, response);
        return;
      }
      chain.doFilter(new Buffered(request, body), response);
      return;
    }
    chain.doFilter(request, response);
  }

  private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("Connection", "close");
    ProblemResponses.write(request, response, HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
        "the request body is larger than " + limit + " bytes");
  }

  /** A request whose body was read already. */
  private static final class Buffered extends HttpServletRequestWrapper {
    private final byte[] body;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      InputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          try {
            return in.available() == 0;
          } catch (IOException e) {
            return true;
          }
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
