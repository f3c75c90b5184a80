package io.hotclone.api.web;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.DnsLabels;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import io.hotclone.api.labels.LabelSelector;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Clone operations, each caller seeing its own tenant's only (another tenant's is 404; an admin sees
 * all): {@code POST /api/v1/clones} (202 + {@code Location}; a repeated {@code
 * Idempotency-Key} answers 200 with the same operation), {@code GET /api/v1/clones/{id}}, {@code GET
 * /api/v1/clones?sourceVm=&phase=&label=k=v&limit=&cursor=} (newest first, then by id; paged by
 * {@link CursorPages}, {@code label} repeatable and ANDed over the labels each request asked for)
 * and {@code GET /api/v1/clones/{id}/events} (Server-Sent Events, one per phase reached, until
 * terminal). {@code GET /api/v1/clones/{id}} carries an {@code ETag} ({@link ResourceETags}).
 */
@RestController
@RequestMapping("/api/v1/clones")
public class CloneController {

  static final String LIST = "clones";

  private final CloneRequests requests;
  private final CloneOperations operations;
  private final CloneEventStreams streams;
  private final ResourceETags etags;

  public CloneController(
      CloneRequests requests, CloneOperations operations, CloneEventStreams streams, ResourceETags etags) {
    this.requests = requests;
    this.operations = operations;
    this.streams = streams;
    this.etags = etags;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<CloneOperationView> request(
      @RequestBody CloneRequestBody body,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    CloneRequests.Accepted accepted = requests.submit(Callers.current(), body, idempotencyKey);
    CloneOperation op = accepted.operation();
    return ResponseEntity.status(accepted.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .location(URI.create("/api/v1/clones/" + op.id()))
        .body(CloneOperationView.of(op));
  }

  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "the operation",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_NONE_MATCH, description = ApiDocs.IF_NONE_MATCH,
      schema = @Schema(type = "string"))
  @ApiResponse(responseCode = "304", description = "not modified (If-None-Match holds the current ETag)",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  public ResponseEntity<CloneOperationView> get(
      @PathVariable String id) {
    return etags.respond(CloneOperationView.of(require(id)));
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page, newest first",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<CloneOperationView>> list(
      @RequestParam(required = false) String sourceVm,
      @RequestParam(required = false) String phase,
      @Parameter(description = ApiDocs.LABEL) @RequestParam(name = LabelSelector.PARAMETER, required = false) List<String> label,
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    if (sourceVm != null) {
      DnsLabels.require("sourceVm", sourceVm);
    }
    Phase wanted = phase(phase);
    var labels = LabelSelector.parse(label);
    CursorPages.Request page = CursorPages.request(LIST, 2, limit, cursor);
    CloneOperations.After after = page.after() == null ? null : PageCursor.parse(
        () -> new CloneOperations.After(Instant.parse(page.after().get(0)), UUID.fromString(page.after().get(1))));
    List<CloneOperation> rows =
        operations.list(Callers.current().tenantFilter(), sourceVm, wanted, labels, after, page.fetch());
    return CursorPages.respond(page, rows,
        op -> List.of(op.request().requestedAt().toString(), op.id().toString()), CloneOperationView::of);
  }

  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public SseEmitter events(@PathVariable String id) {
    return streams.open(require(id).id());
  }

  private CloneOperation require(String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("clone-not-found", "no clone operation " + ApiProblem.quote(id));
    }
    Caller caller = Callers.current();
    return operations
        .find(uuid)
        .filter(op -> caller.sees(op.tenant()))
        .orElseThrow(() -> ApiProblem.notFound("clone-not-found", "no clone operation " + ApiProblem.quote(id)));
  }

  private static Phase phase(String phase) {
    if (phase == null || phase.isBlank()) {
      return null;
    }
    try {
      return Phase.valueOf(phase.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "unknown-phase", "unknown phase " + ApiProblem.quote(phase));
    }
  }
}
