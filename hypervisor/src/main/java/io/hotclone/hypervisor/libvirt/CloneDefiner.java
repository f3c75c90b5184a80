package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import java.nio.file.Path;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Step 6: gives the copied image the clone's identity and defines the clone (not started).
 * libvirt refuses to restore an image under another name, UUID or MAC, so the domain XML embedded
 * in the image header is rewritten in place on the target (only the header and its padded data
 * area travel, through volume streams on the target's connection, whether the copy is in the
 * target's own directory or in shared storage), then the same XML is defined as a persistent
 * domain.
 * Identity is checked against every domain on every host first (I5).
 */
final class CloneDefiner {
  private final Hosts hosts;
  private final Pools pools;
  private final LibvirtOptions options;
  private final VmInspector inspector;

  CloneDefiner(Hosts hosts, Pools pools, LibvirtOptions options, VmInspector inspector) {
    this.hosts = hosts;
    this.pools = pools;
    this.options = options;
    this.inspector = inspector;
  }

  VmInfo configure(OperationId op, CloneSpec spec) {
    HostName target = spec.state().target();
    VmIdentity id = spec.identity();
    VmId cloneId = new VmId(id.uuid().toString());
    Optional<DomainRef> existing = hosts.lookup(target, cloneId);
    if (existing.isPresent()) {
      try (DomainRef d = existing.get()) {
        return inspector.info(d);
      }
    }
    requireUnique(id);
    Connect conn = hosts.connect(target);
    StoragePool pool = pools.holding(target, spec.state().imageRef())
        .orElseThrow(() -> new HypervisorException.NotFrozen(op, "copied state " + spec.state().imageRef() + " is not in a directory of " + target));
    StorageVol image = null;
    try {
      Pools.refresh(pool);
      String imageName = Path.of(spec.state().imageRef()).getFileName().toString();
      image = Pools.volume(pool, imageName)
          .orElseThrow(() -> new HypervisorException.NotFrozen(op, "copied state " + spec.state().imageRef()));
      SaveImageHeader header = SaveImageHeader.parse(VolumeStreams.read(conn, image, 0, SaveImageHeader.SIZE));
      byte[] region = VolumeStreams.read(conn, image, 0, (int) header.regionLength());
      String xml =
          IdentityRewriter.rewrite(
              header.domainXml(region),
              id,
              new IdentityRewriter.Placement(
                  diskFiles(spec),
                  options.hostDir(target).resolve(Names.serialLog(id.name())).toString(),
                  Pools.path(image)),
              new IdentityRewriter.Lineage(spec.source(), op.cloneId()),
              spec.policy(),
              spec.standby());
      VolumeStreams.write(conn, image, 0, header.withXml(region, xml));
      Domain defined = conn.domainDefineXML(xml);
      try (DomainRef d = new DomainRef(target, defined)) {
        return inspector.info(d);
      }
    } catch (LibvirtException e) {
      throw Failures.driver("define clone " + id.name() + " on " + target, e);
    } finally {
      Pools.free(image);
      Pools.free(pool);
    }
  }

  /** The clone's overlay of each disk by the disk's target. */
  private static java.util.Map<String, String> diskFiles(CloneSpec spec) {
    java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
    for (io.hotclone.hypervisor.StoragePointer.Disk disk : spec.disk().disks()) {
      files.put(disk.device(), disk.location());
    }
    return files;
  }

  private void requireUnique(VmIdentity id) {
    for (HostName host : hosts.names()) {
      if (!hosts.reachable(host)) {
        continue;
      }
      for (DomainRef d : hosts.all(host)) {
        try (d) {
          DomainXml xml = DomainXml.parse(d.xml());
          if (d.name().equals(id.name())) {
            throw new HypervisorException.IdentityConflict("name " + id.name() + " is taken on " + host);
          }
          if (d.id().value().equalsIgnoreCase(id.uuid().toString())) {
            throw new HypervisorException.IdentityConflict("UUID " + id.uuid() + " is taken on " + host);
          }
          if (id.mac() != null && xml.macs().contains(id.mac().toLowerCase())) {
            throw new HypervisorException.IdentityConflict("MAC " + id.mac() + " is taken by " + d.name() + " on " + host);
          }
        }
      }
    }
  }
}
