package io.hotclone.api.web;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.DnsLabels;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
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
 * /api/v1/clones?sourceVm=&phase=} (newest first, at most 100) and {@code GET
 * /api/v1/clones/{id}/events} (Server-Sent Events, one per phase reached, until terminal).
 */
@RestController
@RequestMapping("/api/v1/clones")
public class CloneController {

  static final int LIST_LIMIT = 100;

  private final CloneRequests requests;
  private final CloneOperations operations;
  private final CloneEventStreams streams;

  public CloneController(CloneRequests requests, CloneOperations operations, CloneEventStreams streams) {
    this.requests = requests;
    this.operations = operations;
    this.streams = streams;
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
  public CloneOperationView get(@PathVariable String id) {
    return CloneOperationView.of(require(id));
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  public List<CloneOperationView> list(
      @RequestParam(required = false) String sourceVm, @RequestParam(required = false) String phase) {
    if (sourceVm != null) {
      DnsLabels.require("sourceVm", sourceVm);
    }
    return operations.list(Callers.current().tenantFilter(), sourceVm, phase(phase), LIST_LIMIT).stream()
        .map(CloneOperationView::of)
        .toList();
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
