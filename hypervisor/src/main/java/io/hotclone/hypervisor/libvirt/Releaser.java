package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.libvirt.StoragePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compensation for one clone id, from any process: leaves the source as it was before the clone.
 * In order: ends the clone's freeze lease for good (a tombstone on the source) and thaws it;
 * destroys every domain made for the clone id, started or not, with its disk, log and image;
 * deletes the clone's memory and state images (hosts' own directories and shared storage) and
 * clone disks no domain uses; merges the clone's overlays back out of the source's chain ({@link
 * ChainRestorer}) and deletes them. Idempotent, and safe when several services run it at once.
 */
final class Releaser {
  private static final Logger log = LoggerFactory.getLogger(Releaser.class);

  private final Hosts hosts;
  private final Pools pools;
  private final Leases leases;
  private final Thawer thawer;
  private final FileReaper reaper;
  private final VmRemover remover;

  Releaser(Hosts hosts, Pools pools, Leases leases, Thawer thawer, FileReaper reaper, VmRemover remover) {
    this.hosts = hosts;
    this.pools = pools;
    this.leases = leases;
    this.thawer = thawer;
    this.reaper = reaper;
    this.remover = remover;
  }

  void release(UUID cloneId) {
    leases.endForGood(cloneId).ifPresent(thawer::thaw);
    List<HostName> up = new ArrayList<>();
    for (HostName host : hosts.names()) {
      if (hosts.reachable(host)) {
        up.add(host);
      }
    }
    for (HostName host : up) {
      destroyClones(host, cloneId);
      deleteImages(pools.local(host), cloneId);
    }
    HostName any = up.isEmpty() ? hosts.names().iterator().next() : up.get(0);
    deleteImages(pools.shared(any), cloneId);
    deleteUnusedCloneDisks(any, cloneId);
    for (HostName host : up) {
      for (DomainRef d : hosts.running(host)) {
        try (d) {
          if (DomainXml.parse(d.xml()).disks().stream().anyMatch(k -> ChainRestorer.ownTop(k.chain(), cloneId) > 0)) {
            ChainRestorer.restore(d, cloneId, readersOutside(any), Duration.ofMinutes(2));
          }
        }
      }
    }
    deleteUnusedOverlays(any, cloneId);
  }

  private void destroyClones(HostName host, UUID cloneId) {
    List<VmId> made = new ArrayList<>();
    for (DomainRef d : hosts.all(host)) {
      try (d) {
        IdentityRewriter.Lineage lineage = IdentityRewriter.lineage(DomainXml.parse(d.xml()));
        if (lineage != null && lineage.cloneId().equals(cloneId)) {
          made.add(d.id());
        }
      }
    }
    for (VmId vm : made) {
      log.info("clone {}: destroying {} made for it", cloneId, vm);
      remover.destroy(vm);
    }
  }

  private static void deleteImages(StoragePool pool, UUID cloneId) {
    try {
      Pools.refresh(pool);
      for (String name : Pools.volumeNames(pool)) {
        if (Names.belongsTo(name, cloneId) && name.endsWith(".img")) {
          Pools.delete(pool, name); // frozen memory image and the clones' copies
        }
      }
    } finally {
      Pools.free(pool);
    }
  }

  private void deleteUnusedCloneDisks(HostName host, UUID cloneId) {
    Set<String> used = usedFiles();
    StoragePool shared = pools.shared(host);
    try {
      Pools.refresh(shared);
      for (String name : Pools.volumeNames(shared)) {
        if (Names.belongsTo(name, cloneId) && name.endsWith(".clone.qcow2") && !used.contains(path(shared, name))) {
          Pools.delete(shared, name);
        }
      }
    } finally {
      Pools.free(shared);
    }
  }

  /** The clone's storage and cut overlays, once no chain holds them and nothing backs onto them. */
  private void deleteUnusedOverlays(HostName host, UUID cloneId) {
    Set<String> used = usedFiles();
    StoragePool shared = pools.shared(host);
    try {
      Pools.refresh(shared);
      // the cut overlay backs onto the storage overlay: delete top-down
      for (String suffix : List.of(".cut.qcow2", ".storage.qcow2")) {
        Set<String> backings = backings(shared);
        for (String name : Pools.volumeNames(shared)) {
          if (!name.endsWith(suffix) || !Names.belongsTo(name, cloneId)) {
            continue;
          }
          String path = path(shared, name);
          if (used.contains(path) || backings.contains(path)) {
            log.warn("clone {}: {} stays, it is still part of a chain", cloneId, name);
          } else {
            Pools.delete(shared, name);
          }
        }
      }
    } finally {
      Pools.free(shared);
    }
  }

  /** Every file of every disk chain of every domain on every reachable host. */
  private Set<String> usedFiles() {
    Set<String> used = new HashSet<>();
    for (HostName h : hosts.names()) {
      if (!hosts.reachable(h)) {
        continue;
      }
      for (DomainRef d : hosts.all(h)) {
        try (d) {
          used.addAll(DomainXml.parse(d.xml()).allDiskFiles());
        }
      }
    }
    return used;
  }

  /** Files that some shared volume backs onto, other than through a domain's own chain. */
  private Set<String> readersOutside(HostName host) {
    StoragePool shared = pools.shared(host);
    try {
      Pools.refresh(shared);
      Set<String> result = new HashSet<>();
      for (String name : Pools.volumeNames(shared)) {
        if (name.endsWith(".clone.qcow2")) {
          Optional<String> b = backingOf(shared, name);
          b.ifPresent(result::add);
        }
      }
      return result;
    } finally {
      Pools.free(shared);
    }
  }

  private static Set<String> backings(StoragePool pool) {
    Set<String> result = new HashSet<>();
    for (String name : Pools.volumeNames(pool)) {
      backingOf(pool, name).ifPresent(result::add);
    }
    return result;
  }

  private static Optional<String> backingOf(StoragePool pool, String name) {
    Optional<org.libvirt.StorageVol> vol = Pools.volume(pool, name);
    try {
      return vol.flatMap(Pools::backingOf);
    } finally {
      vol.ifPresent(Pools::free);
    }
  }

  private static String path(StoragePool pool, String name) {
    return Pools.volume(pool, name).map(v -> {
      try {
        return Pools.path(v);
      } finally {
        Pools.free(v);
      }
    }).orElse(name);
  }
}
