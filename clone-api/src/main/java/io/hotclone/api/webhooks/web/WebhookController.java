package io.hotclone.api.webhooks.web;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import io.hotclone.api.web.ApiDocs;
import io.hotclone.api.web.ApiProblem;
import io.hotclone.api.web.CursorPages;
import io.hotclone.api.webhooks.persistence.Delivery;
import io.hotclone.api.webhooks.Destinations;
import io.hotclone.api.webhooks.TypePatterns;
import io.hotclone.api.webhooks.WebhookSignature;
import io.hotclone.api.webhooks.delivery.WebhookProperties;
import io.hotclone.api.webhooks.persistence.Endpoint;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook endpoints of the caller's tenant (another tenant's is 404 {@code webhook-not-found}, as if
 * it did not exist; an admin sees all): {@code POST /api/v1/webhooks} {@code {"url", "types"}} (201
 * + {@code Location}, the secret shown this once; 422 for a URL that is not http(s), a destination
 * the operator's allow-list refuses, or types that are not {@code io.hotclone.} types or prefixes
 * ending in {@code *}), {@code GET /api/v1/webhooks}, {@code GET} and {@code DELETE
 * /api/v1/webhooks/{id}}, {@code GET /api/v1/webhooks/{id}/deliveries} (newest first).
 */
@RestController
@RequestMapping("/api/v1/webhooks")
public class WebhookController {

  /** The most endpoints one tenant may register. */
  static final int MAX_PER_TENANT = 50;

  /** Body of {@code POST /api/v1/webhooks}. */
  public record CreateWebhookBody(String url, List<String> types) {}

  private final WebhookEndpoints endpoints;
  private final WebhookDeliveries deliveries;
  private final Destinations destinations;
  private final Destinations.Resolver resolver;
  private final Clock clock;

  @Autowired
  public WebhookController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookProperties properties, Clock clock) {
    this(endpoints, deliveries, properties.destinations(), Destinations.DNS, clock);
  }

  WebhookController(
      WebhookEndpoints endpoints, WebhookDeliveries deliveries, Destinations destinations, Destinations.Resolver resolver, Clock clock) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.destinations = destinations;
    this.resolver = resolver;
    this.clock = clock;
  }

  @Operation(summary = "Register a webhook endpoint", description = "The response carries the signing secret"
      + " (Standard Webhooks, whsec_<base64>); it is never shown again.")
  @ApiResponse(responseCode = "201", description = "registered; Location names it")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<CreatedWebhookView> create(@RequestBody CreateWebhookBody body) {
    Caller caller = Callers.current();
    Optional<Destinations.Refusal> bad = Destinations.urlProblem(body.url());
    if (bad.isPresent()) {
      throw new RequestRejected("url", bad.get().code(), bad.get().reason());
    }
    bad = destinations.check(Destinations.host(body.url()), resolver);
    if (bad.isPresent()) {
      throw new RequestRejected("url", bad.get().code(), bad.get().reason());
    }
    Optional<String> badTypes = TypePatterns.problem(body.types());
    if (badTypes.isPresent()) {
      throw new RequestRejected("types", "invalid-types", badTypes.get());
    }
    if (endpoints.list(caller.tenant(), null, MAX_PER_TENANT).size() >= MAX_PER_TENANT) {
      throw new RequestRejected("url", "too-many-webhooks", "a tenant has at most " + MAX_PER_TENANT + " webhook endpoints");
    }
    Endpoint e = new Endpoint(UUID.randomUUID(), caller.tenant(), body.url(), List.copyOf(body.types()),
        WebhookSignature.newSecret(), clock.instant(), caller.subject(), 0, null, null);
    endpoints.insert(e);
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/webhooks/" + e.id()))
        .body(CreatedWebhookView.of(e));
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page of the caller's webhook endpoints, oldest first",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<WebhookView>> list(
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    CursorPages.Request page = CursorPages.request("webhooks", 2, limit, cursor);
    List<Endpoint> rows = endpoints.list(Callers.current().tenantFilter(), page.after(), page.fetch());
    return CursorPages.respond(page, rows, e -> List.of(e.createdAt().toString(), e.id().toString()), WebhookView::of);
  }

  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public WebhookView get(@PathVariable String id) {
    return WebhookView.of(require(id));
  }

  @ApiResponse(responseCode = "204", description = "deleted, with its delivery log; nothing more is sent to it")
  @DeleteMapping("/{id}")
  public ResponseEntity<Void> delete(@PathVariable String id) {
    UUID uuid = uuid(id).orElseThrow(() -> notFound(id));
    if (!endpoints.delete(uuid, Callers.current().tenantFilter())) {
      throw notFound(id);
    }
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "The delivery log of a webhook endpoint, newest first")
  @GetMapping(path = "/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page of the endpoint's deliveries, newest first",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<DeliveryView>> deliveries(
      @PathVariable String id,
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    Endpoint e = require(id);
    CursorPages.Request page = CursorPages.request("webhook-deliveries", 1, limit, cursor);
    Long before = page.after() == null ? null : parseId(page.after().get(0));
    List<Delivery> rows = deliveries.log(e.id(), before, page.fetch());
    return CursorPages.respond(page, rows, d -> List.of(Long.toString(d.id())), DeliveryView::of);
  }

  private static long parseId(String cursorKey) {
    try {
      return Long.parseLong(cursorKey);
    } catch (NumberFormatException ex) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-cursor", "the cursor does not name a delivery");
    }
  }

  private Endpoint require(String id) {
    return uuid(id).flatMap(u -> endpoints.find(u, Callers.current().tenantFilter())).orElseThrow(() -> notFound(id));
  }

  private static Optional<UUID> uuid(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static ApiProblem notFound(String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
    return new ApiProblem(HttpStatus.NOT_FOUND, "webhook-not-found", "no webhook endpoint '" + shown + "'");
  }
}
