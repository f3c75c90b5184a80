package io.hotclone.api.api;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * VMs and hosts: {@code GET /api/v1/vms[?host=]} (live, joined with lineage), {@code GET
 * /api/v1/vms/{id}} (id or name; a VM only the read model knows shows as {@code GONE}), {@code GET
 * /api/v1/vms/{id}/lineage}, {@code POST /api/v1/vms} (201 + {@code Location}; 501 when the driver
 * cannot create VMs) and {@code GET /api/v1/hosts}.
 */
@RestController
@RequestMapping("/api/v1")
public class VmController {

  static final long MAX_MIB = 1L << 20;

  private final VmDirectory directory;
  private final Hypervisor hypervisor;
  private final Vms vms;
  private final CloneOperations operations;
  private final TransactionTemplate tx;
  private final Clock clock;

  public VmController(
      VmDirectory directory,
      Hypervisor hypervisor,
      Vms vms,
      CloneOperations operations,
      TransactionTemplate tx,
      Clock clock) {
    this.operations = operations;
    this.directory = directory;
    this.hypervisor = hypervisor;
    this.vms = vms;
    this.tx = tx;
    this.clock = clock;
  }

  @GetMapping(path = "/vms", produces = MediaType.APPLICATION_JSON_VALUE)
  public List<VmView> list(@RequestParam(required = false) String host) {
    List<VmInfo> live = directory.live(host);
    Map<String, VmRecord> known =
        live.stream()
            .map(vm -> vms.find(vm.id().value()))
            .flatMap(Optional::stream)
            .collect(Collectors.toMap(VmRecord::id, Function.identity(), (a, b) -> a));
    return live.stream().map(vm -> VmView.of(vm, known.get(vm.id().value()))).toList();
  }

  @GetMapping(path = "/vms/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public VmView get(@PathVariable String id) {
    Optional<VmInfo> live = directory.find(id);
    if (live.isPresent()) {
      return VmView.of(live.get(), vms.find(live.get().id().value()).orElse(null));
    }
    return vms.find(id)
        .map(VmView::of)
        .orElseThrow(() -> ApiProblem.notFound("vm-not-found", "no VM with id or name '" + id + "'"));
  }

  @GetMapping(path = "/vms/{id}/lineage", produces = MediaType.APPLICATION_JSON_VALUE)
  public LineageView lineage(@PathVariable String id) {
    VmRecord vm = vms.find(id).or(() -> discover(id)).orElseThrow(
        () -> ApiProblem.notFound("vm-not-found", "no VM with id or name '" + id + "'"));
    return LineageView.of(vm, vms.ancestors(vm.id()), vms.descendants(vm.id()));
  }

  @PostMapping(
      path = "/vms",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<VmView> create(@RequestBody CreateVmBody body) {
    VmSpec spec = spec(body);
    directory.requireHost(spec.host().value());
    VmInfo created = hypervisor.createVm(spec);
    tx.executeWithoutResult(s -> vms.observed(created, clock.instant()));
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
    Optional<VmInfo> live = directory.find(id);
    if (live.isEmpty()) {
      if (vms.find(id).isPresent()) {
        return ResponseEntity.noContent().build();
      }
      throw ApiProblem.notFound("vm-not-found", "no VM with id or name '" + id + "'");
    }
    String vmId = live.get().id().value();
    if (operations.inProgressFrom(vmId)) {
      throw new ApiProblem(HttpStatus.CONFLICT, "vm-busy", "VM " + vmId + " is the source of a clone in progress");
    }
    hypervisor.destroyVm(live.get().id());
    tx.executeWithoutResult(s -> vms.markGone(vmId, clock.instant()));
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = "/hosts", produces = MediaType.APPLICATION_JSON_VALUE)
  public List<HostView> hosts() {
    return directory.hosts().stream().map(HostView::of).toList();
  }

  /** A VM the read model has not seen yet but the hypervisor knows (by id or name) is recorded now. */
  private Optional<VmRecord> discover(String idOrName) {
    Optional<VmInfo> live = directory.find(idOrName);
    if (live.isEmpty()) {
      return Optional.empty();
    }
    String vmId = live.get().id().value();
    Optional<VmRecord> known = vms.find(vmId);
    if (known.isPresent()) {
      return known;
    }
    tx.executeWithoutResult(s -> vms.observed(live.get(), clock.instant()));
    return vms.find(vmId);
  }

  /** The rules of a VM creation request: a name, a host, sizes from 1 MiB to 1 TiB (422 otherwise). */
  static VmSpec spec(CreateVmBody body) {
    if (body.name() == null || body.name().isBlank()) {
      throw new RequestRejected("name", "required", "name is required");
    }
    if (body.host() == null || body.host().isBlank()) {
      throw new RequestRejected("host", "required", "host is required");
    }
    long memory = mib("memoryMiB", body.memoryMiB());
    long disk = mib("diskMiB", body.diskMiB());
    String image = body.image() == null ? null : body.image().trim();
    if (image != null && !image.equals(VmSpec.DEFAULT_IMAGE) && !image.equals(VmSpec.AGENT_IMAGE)) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-image", "image must be " + VmSpec.DEFAULT_IMAGE + " or " + VmSpec.AGENT_IMAGE);
    }
    return new VmSpec(new HostName(body.host().trim()), body.name().trim(), memory << 20, disk << 20, image);
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
