package io.hotclone.api.web;

import io.hotclone.api.domain.DnsLabels;
import io.hotclone.api.lifecycle.VmEventType;
import io.hotclone.api.lifecycle.VmLifecycle;
import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import io.hotclone.api.security.SecurityProperties;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.api.labels.LabelSelector;
import io.hotclone.api.labels.Labels;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * VMs and hosts, each caller seeing its own tenant's VMs only (another tenant's is 404, as if it did
 * not exist; an admin sees all): {@code GET /api/v1/vms[?host=]} (live, joined with lineage), {@code GET
 * /api/v1/vms/{id}} (id or name; a VM only the read model knows shows as {@code GONE}), {@code GET
 * /api/v1/vms/{id}/lineage}, {@code POST /api/v1/vms} (201 + {@code Location}; 501 when the driver
 * cannot create VMs) and {@code GET /api/v1/hosts}. The lists are paged ({@link CursorPages}): VMs
 * by id, hosts by name; {@code GET /api/v1/vms?label=k=v} (repeatable, ANDed) keeps the VMs whose
 * read-model labels carry them. The single VM and its lineage carry an {@code ETag} ({@link
 * ResourceETags}).
 */
@RestController
@RequestMapping("/api/v1")
public class VmController {

  static final long MAX_MIB = 1L << 20;

  private final VmDirectory directory;
  private final TenantVms tenantVms;
  private final SecurityProperties security;
  private final Hypervisor hypervisor;
  private final Vms vms;
  private final CloneOperations operations;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final io.hotclone.api.messaging.IpPoolStates pools;
  private final VmLifecycle lifecycle;
  private final ResourceETags etags;

  public VmController(
      VmDirectory directory,
      TenantVms tenantVms,
      SecurityProperties security,
      Hypervisor hypervisor,
      Vms vms,
      CloneOperations operations,
      TransactionTemplate tx,
      Clock clock,
      io.hotclone.api.messaging.IpPoolStates pools,
      VmLifecycle lifecycle,
      ResourceETags etags) {
    this.pools = pools;
    this.lifecycle = lifecycle;
    this.etags = etags;
    this.operations = operations;
    this.directory = directory;
    this.tenantVms = tenantVms;
    this.security = security;
    this.hypervisor = hypervisor;
    this.vms = vms;
    this.tx = tx;
    this.clock = clock;
  }

  @GetMapping(path = "/vms", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page of live VMs, by id",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<VmView>> list(
      @RequestParam(required = false) String host,
      @Parameter(description = ApiDocs.LABEL) @RequestParam(name = LabelSelector.PARAMETER, required = false) List<String> label,
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    Caller caller = Callers.current();
    if (host != null && (!DnsLabels.isLabel(host) || directory.hosts().stream().noneMatch(h -> h.name().value().equals(host))
        || !(caller.admin() || security.allowsHost(caller.tenant(), host)))) {
      throw ApiProblem.notFound("host-not-found", "no host named " + ApiProblem.quote(host));
    }
    Map<String, String> required = LabelSelector.parse(label);
    CursorPages.Request page = CursorPages.request("vms", 1, limit, cursor);
    String after = page.after() == null ? null : page.after().get(0);
    List<VmView> rows = directory.live(host).stream()
        .filter(vm -> caller.sees(tenantVms.tenantOf(vm)))
        .filter(vm -> after == null || vm.id().value().compareTo(after) > 0)
        .sorted(java.util.Comparator.comparing(vm -> vm.id().value()))
        .map(vm -> VmView.of(vm, vms.find(vm.id().value()).orElse(null)))
        .filter(view -> LabelSelector.matches(required, view.labels()))
        .limit(page.fetch())
        .toList();
    return CursorPages.respond(page, rows, view -> List.of(view.id()), Function.identity());
  }

  @GetMapping(path = "/vms/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "the VM",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_NONE_MATCH, description = ApiDocs.IF_NONE_MATCH,
      schema = @Schema(type = "string"))
  @ApiResponse(responseCode = "304", description = "not modified (If-None-Match holds the current ETag)",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  public ResponseEntity<VmView> get(
      @PathVariable String id) {
    Caller caller = Callers.current();
    Optional<VmInfo> live = tenantVms.findLive(caller, id);
    VmView view = live.isPresent()
        ? VmView.of(live.get(), vms.find(live.get().id().value()).orElse(null))
        : tenantVms.findRecord(caller, id).map(VmView::of).orElseThrow(() -> TenantVms.notFound(id));
    return etags.respond(view);
  }

  @GetMapping(path = "/vms/{id}/lineage", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "the VM's ancestors and descendants",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  @Parameter(in = ParameterIn.HEADER, name = HttpHeaders.IF_NONE_MATCH, description = ApiDocs.IF_NONE_MATCH,
      schema = @Schema(type = "string"))
  @ApiResponse(responseCode = "304", description = "not modified (If-None-Match holds the current ETag)",
      headers = @Header(name = HttpHeaders.ETAG, description = ApiDocs.ETAG, schema = @Schema(type = "string")))
  public ResponseEntity<LineageView> lineage(
      @PathVariable String id) {
    Caller caller = Callers.current();
    VmRecord vm = tenantVms.findRecord(caller, id).orElseThrow(() -> TenantVms.notFound(id));
    List<VmRecord> ancestors = vms.ancestors(vm.id()).stream().filter(r -> caller.sees(r.tenant())).toList();
    List<VmRecord> descendants = vms.descendants(vm.id()).stream().filter(r -> caller.sees(r.tenant())).toList();
    List<String> ids = new java.util.ArrayList<>();
    ids.add(vm.id());
    ancestors.forEach(r -> ids.add(r.id()));
    descendants.forEach(r -> ids.add(r.id()));
    return etags.respond(LineageView.of(vm, ancestors, descendants, vms.disks(ids)));
  }

  @PostMapping(
      path = "/vms",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<VmView> create(@RequestBody CreateVmBody body) {
    Caller caller = Callers.current();
    VmSpec spec = spec(body);
    var labels = Labels.check("labels", body.labels());
    if (!security.allowsHost(caller.tenant(), spec.host().value())) {
      throw ApiProblem.notFound("host-not-found", "no host named " + ApiProblem.quote(spec.host().value()));
    }
    directory.requireHost(spec.host().value());
    VmInfo created = hypervisor.createVm(spec);
    java.time.Instant at = clock.instant();
    tx.executeWithoutResult(s -> lifecycle.created(created, caller.tenant(), labels, caller.requester(), at));
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/vms/" + created.id().value()))
        .body(VmView.of(created, vms.find(created.id().value()).orElse(null)));
  }

  /**
   * Stops a VM and frees its storage (scale-in). Blocks the VM alone referenced are freed; a frozen
   * base its clones still use stays. Deleting a VM that is gone already is a no-op; a VM that is
   * the source of a clone in progress is refused (409) until that clone has ended.
   */
  @DeleteMapping(path = "/vms/{id}")
  public ResponseEntity<Void> delete(@PathVariable String id) {
    Caller caller = Callers.current();
    Optional<VmInfo> live = tenantVms.findLive(caller, id);
    if (live.isEmpty()) {
      if (directory.find(id).isEmpty() && tenantVms.findRecord(caller, id).isPresent()) {
        return ResponseEntity.noContent().build();
      }
      throw TenantVms.notFound(id);
    }
    String vmId = live.get().id().value();
    if (operations.inProgressFrom(vmId)) {
      throw new ApiProblem(HttpStatus.CONFLICT, "vm-busy", "VM " + vmId + " is the source of a clone in progress");
    }
    lifecycle.deleting(vmId, () -> {
      hypervisor.destroyVm(live.get().id());
      java.time.Instant at = clock.instant();
      tx.executeWithoutResult(s -> lifecycle.ended(vmId, VmEventType.DELETED, caller.requester(), "deleted by request", at));
    });
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = "/hosts", produces = MediaType.APPLICATION_JSON_VALUE)
  @ApiResponse(responseCode = "200", description = "one page of hosts, by name",
      headers = @Header(name = HttpHeaders.LINK, description = ApiDocs.LINK, schema = @Schema(type = "string")))
  public ResponseEntity<List<HostView>> hosts(
      @Parameter(description = ApiDocs.LIMIT) @RequestParam(name = CursorPages.LIMIT, required = false) Integer limit,
      @Parameter(description = ApiDocs.CURSOR) @RequestParam(name = CursorPages.CURSOR, required = false) String cursor) {
    Caller caller = Callers.current();
    CursorPages.Request page = CursorPages.request("hosts", 1, limit, cursor);
    String after = page.after() == null ? null : page.after().get(0);
    List<HostView> rows = directory.hosts().stream()
        .filter(h -> caller.admin() || security.allowsHost(caller.tenant(), h.name().value()))
        .filter(h -> after == null || h.name().value().compareTo(after) > 0)
        .sorted(java.util.Comparator.comparing(h -> h.name().value()))
        .limit(page.fetch())
        .map(h -> HostView.of(h, pools.forHost(h.name().value()).orElse(null)))
        .toList();
    return CursorPages.respond(page, rows, h -> List.of(h.name()), Function.identity());
  }

  /**
   * The rules of a VM creation request: a name and a host that are DNS labels, sizes from 1 MiB to
   * 1 TiB, 1 to 8 disks (422 otherwise).
   */
  static VmSpec spec(CreateVmBody body) {
    DnsLabels.require("name", body.name());
    DnsLabels.require("host", body.host());
    long memory = mib("memoryMiB", body.memoryMiB());
    long disk = mib("diskMiB", body.diskMiB());
    String image = body.image();
    if (image != null && !image.equals(VmSpec.DEFAULT_IMAGE) && !image.equals(VmSpec.AGENT_IMAGE)) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-image", "image must be " + VmSpec.DEFAULT_IMAGE + " or " + VmSpec.AGENT_IMAGE);
    }
    int disks = body.disks() == null ? 1 : body.disks();
    if (disks < 1 || disks > VmSpec.MAX_DISKS) {
      throw new RequestRejected("disks", "out-of-range", "disks must be between 1 and " + VmSpec.MAX_DISKS + ", was " + disks);
    }
    return new VmSpec(new HostName(body.host()), body.name(), memory << 20, disk << 20, image, disks);
  }

  private static long mib(String field, Long value) {
    if (value == null) {
      throw new RequestRejected(field, "required", field + " is required");
    }
    if (value < 1 || value > MAX_MIB) {
      throw new RequestRejected(field, "out-of-range", field + " must be between 1 and " + MAX_MIB + ", was " + value);
    }
    return value;
  }
}
