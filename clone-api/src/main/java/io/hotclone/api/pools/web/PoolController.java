package io.hotclone.api.pools.web;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.persistence.Vms;
import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolSettings;
import io.hotclone.api.pools.persistence.PoolRows;
import io.hotclone.api.pools.run.PoolService;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import io.hotclone.api.web.ApiDocs;
import io.hotclone.api.web.CursorPages;
import io.hotclone.api.web.VmView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Warm pools of the caller's tenant (another tenant's is 404 {@code pool-not-found}; an admin sees
 * all): {@code POST /api/v1/pools} (201 + {@code Location}; 409 {@code pool-exists}), {@code GET
 * /api/v1/pools} (by tenant and name, paged by {@link CursorPages}), {@code GET}/{@code PUT}/{@code
 * DELETE /api/v1/pools/{name}} (PUT changes {@code minReady}/{@code maxSize}; DELETE drains: 204),
 * {@code GET}/{@code PUT /api/v1/pools/{name}/scale} ({@code {replicas}} = {@code minReady}, the shape
 * autoscalers speak) and {@code POST /api/v1/pools/{name}/claims} (201 with the claimed VM, now the
 * caller's; 409 {@code pool-empty} with {@code Retry-After}, or with {@code wait} / {@code
 * waitSeconds} the call waits up to that for a ready clone). The claim's latency is in {@code
 * Server-Timing}.
 */
@RestController
@RequestMapping("/api/v1/pools")
public class PoolController {

  static final String LIST = "pools";

  private final PoolService service;
  private final PoolRows rows;
  private final Vms vms;

  public PoolController(PoolService service, PoolRows rows, Vms vms) {
    this.service = service;
    this.rows = rows;
    this.vms = vms;
  }

  @Operation(summary = "Create a warm pool", description = "Its reconciler makes minReady standby clones of the source,"
      + " one freeze per refill batch; each is a copy of the source as it was at its refill's cut.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "201", description = "the pool (ready 0 until its first refill completes)")
  public ResponseEntity<PoolView> create(@RequestBody PoolBodies.Create body) {
    PoolSettings settings = PoolSettings.check(body.name(), body.sourceVm(), body.minReady(), body.maxSize(), body.placement(),
        body.identityPolicy(), body.maxAge(), body.labels());
    Pool pool = service.create(Callers.current(), settings);
    return ResponseEntity.created(URI.create("/api/v1/pools/" + pool.name())).body(view(pool));
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page, by tenant and name",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<PoolView>> list(
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    CursorPages.Request page = CursorPages.request(LIST, 2, limit, cursor);
    List<Pool> pools = rows.list(Callers.current().tenantFilter(), page.after(), page.fetch());
    return CursorPages.respond(page, pools, p -> List.of(p.tenant(), p.name()), this::view);
  }

  @GetMapping(path = "/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
  public PoolView get(@PathVariable String name) {
    return view(service.require(Callers.current(), name));
  }

  @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  public PoolView resize(@PathVariable String name, @RequestBody PoolBodies.Resize body) {
    return view(service.resize(Callers.current(), name, body.minReady(), body.maxSize()));
  }

  @GetMapping(path = "/{name}/scale", produces = MediaType.APPLICATION_JSON_VALUE)
  public PoolView.Scale scale(@PathVariable String name) {
    PoolView v = view(service.require(Callers.current(), name));
    return new PoolView.Scale(v.minReady(), v.ready());
  }

  @PutMapping(path = "/{name}/scale", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  public PoolView.Scale rescale(@PathVariable String name, @RequestBody PoolBodies.Scale body) {
    if (body.replicas() == null) {
      throw new RequestRejected("replicas", "required", "replicas is required");
    }
    PoolView v = view(service.resize(Callers.current(), name, body.replicas(), null));
    return new PoolView.Scale(v.minReady(), v.ready());
  }

  @DeleteMapping(path = "/{name}")
  @ApiResponse(responseCode = "204", description = "draining: the ready clones are destroyed, claimed ones stay")
  public ResponseEntity<Void> delete(@PathVariable String name) {
    service.delete(Callers.current(), name);
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Claim a ready clone", description = "The clone (running, identity applied) gets its links up and"
      + " is the caller's from now on: an ordinary VM (DELETE /api/v1/vms/{id} scales it in).")
  @PostMapping(path = "/{name}/claims", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "201", description = "the claimed VM",
      headers = @Header(name = "Server-Timing", description = "claim;dur=<milliseconds>", schema = @Schema(type = "string")))
  @ApiResponse(responseCode = "409", description = "pool-empty: no ready clone (within the wait); see Retry-After",
      headers = @Header(name = HttpHeaders.RETRY_AFTER, schema = @Schema(type = "integer")))
  public ResponseEntity<VmView> claim(
      @PathVariable String name,
      @RequestBody(required = false) PoolBodies.Claim body,
      @Parameter(description = "ISO-8601 duration to wait for a ready clone (at most PT60S)", example = "PT5S")
          @RequestParam(name = "wait", required = false) String wait,
      @Parameter(description = "the same in seconds") @RequestParam(name = "waitSeconds", required = false) Double waitSeconds) {
    Caller caller = Callers.current();
    Map<String, String> labels = io.hotclone.api.labels.Labels.check("labels", body == null ? null : body.labels());
    PoolService.Claimed claimed = service.claim(caller, name, labels, wait(wait, waitSeconds));
    String id = claimed.vm().id().value();
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/vms/" + id))
        .header("Server-Timing", "claim;dur=" + String.format(java.util.Locale.ROOT, "%.3f", claimed.latency().toNanos() / 1e6))
        .body(VmView.of(claimed.vm(), vms.find(id).orElse(null)));
  }

  static Duration wait(String wait, Double waitSeconds) {
    if (wait != null && !wait.isBlank()) {
      try {
        return Duration.parse(wait.trim());
      } catch (DateTimeParseException e) {
        throw new RequestRejected("wait", "invalid", "wait must be an ISO-8601 duration such as PT5S");
      }
    }
    if (waitSeconds != null) {
      if (waitSeconds < 0 || waitSeconds.isNaN()) {
        throw new RequestRejected("waitSeconds", "out-of-range", "waitSeconds must be at least 0");
      }
      return Duration.ofMillis((long) (waitSeconds * 1000));
    }
    return Duration.ZERO;
  }

  private PoolView view(Pool p) {
    return PoolView.of(p, rows.counts(p.id()));
  }
}
