package io.hotclone.api.web;

import io.hotclone.api.domain.RequestRejected;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Cursor pagination of every list of the API, one helper for all of them. A list endpoint takes
 * {@code limit} ({@value #DEFAULT_LIMIT} by default, 1 to {@value #MAX_LIMIT}; otherwise 422 {@code
 * limit-out-of-range}, field {@code limit}) and {@code cursor} (from the previous page's {@code
 * Link}; a malformed one is 400 {@code invalid-cursor}, see {@link PageCursor}), reads at most
 * {@code limit + 1} items in a stable, total order after the cursor's sort key, and answers the
 * first {@code limit} of them as a JSON array; when there was one more, a {@code Link: <…>;
 * rel="next"} header gives the same request (every other query parameter kept) with the cursor of
 * the page's last item. No {@code Link}: the last page.
 *
 * <p>Use: {@code Request page = CursorPages.request("webhooks", 1, limit, cursor)}, query with
 * {@code page.after()} (null on the first page) and {@code page.fetch()} rows, then {@code return
 * CursorPages.respond(page, rows, row -> List.of(row.id()), View::of)}.
 */
public final class CursorPages {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  public static final String LIMIT = "limit";
  public static final String CURSOR = "cursor";

  private CursorPages() {}

  /**
   * A page asked for: list {@code list}, whose sort key has {@code keyParts} parts, at most {@code
   * limit} items after {@code after} (the decoded cursor; null: from the start).
   */
  public record Request(String list, int keyParts, int limit, List<String> after) {

    /** How many items to read: one more than the page, to know whether there is a next page. */
    public int fetch() {
      return limit + 1;
    }
  }

  /** The page {@code limit} and {@code cursor} (query parameters, may be null) ask of {@code list}. */
  public static Request request(String list, int keyParts, Integer limit, String cursor) {
    int n = limit == null ? DEFAULT_LIMIT : limit;
    if (n < 1 || n > MAX_LIMIT) {
      throw new RequestRejected(LIMIT, "limit-out-of-range", "limit must be between 1 and " + MAX_LIMIT + ", was " + n);
    }
    List<String> after = cursor == null || cursor.isEmpty() ? null : PageCursor.decode(list, keyParts, cursor);
    return new Request(list, keyParts, n, after);
  }

  /**
   * The page of {@code rows} (read in the list's order, at most {@link Request#fetch()}): the first
   * {@code limit} as {@code view}s, and a {@code Link rel="next"} if there were more.
   */
  public static <R, V> ResponseEntity<List<V>> respond(
      Request page, List<R> rows, Function<R, List<String>> sortKey, Function<R, V> view) {
    List<R> shown = rows.size() > page.limit() ? rows.subList(0, page.limit()) : rows;
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
    if (rows.size() > page.limit()) {
      String next = PageCursor.encode(page.list(), sortKey.apply(shown.get(shown.size() - 1)));
      ok.header(HttpHeaders.LINK, "<" + nextUri(next) + ">; rel=\"next\"");
    }
    return ok.body(shown.stream().map(view).toList());
  }

  /** This request's path and query parameters with {@code cursor} replaced (a relative reference, RFC 8288 §3.2). */
  private static String nextUri(String cursor) {
    HttpServletRequest current =
        ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
    UriComponentsBuilder next = UriComponentsBuilder.fromPath(current.getRequestURI());
    current.getParameterMap().forEach((name, values) -> {
      if (!CURSOR.equals(name)) {
        next.queryParam(name, (Object[]) values);
      }
    });
    return next.queryParam(CURSOR, cursor).encode().build().toUriString();
  }
}
