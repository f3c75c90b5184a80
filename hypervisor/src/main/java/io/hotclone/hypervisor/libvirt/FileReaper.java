package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Deletes the driver's files through the storage pools, and only files inside the directories the
 * driver manages. Frozen bases are freed only when no volume in shared storage backs onto them
 * and no domain on any host uses them (I3).
 */
final class FileReaper {
  private final Hosts hosts;
  private final Pools pools;
  private final LibvirtOptions options;

  FileReaper(Hosts hosts, Pools pools, LibvirtOptions options) {
    this.hosts = hosts;
    this.pools = pools;
    this.options = options;
  }

  /** Deletes a host-local file (serial log, image) of {@code host}; false if not ours or absent. */
  boolean deleteLocal(HostName host, String path) {
    if (path == null || !Path.of(path).getParent().equals(options.hostDir(host))) {
      return false;
    }
    StoragePool pool = pools.local(host);
    try {
      Pools.refresh(pool);
      return Pools.delete(pool, Path.of(path).getFileName().toString());
    } finally {
      Pools.free(pool);
    }
  }

  /**
   * Deletes a memory or state image ({@code *.img}) of {@code host}, in the host's own directory
   * or in shared storage; false if not ours or absent.
   */
  boolean deleteImage(HostName host, String path) {
    if (path == null || !path.endsWith(".img")) {
      return false;
    }
    Optional<StoragePool> pool = pools.holding(host, path);
    if (pool.isEmpty()) {
      return false;
    }
    String name = Path.of(path).getFileName().toString();
    try {
      // the pool usually knows the image already (refreshed when it was made or defined); a
      // refresh scans the whole directory, so only when it does not
      if (Pools.delete(pool.get(), name)) {
        return true;
      }
      Pools.refresh(pool.get());
      return Pools.delete(pool.get(), name);
    } finally {
      Pools.free(pool.get());
    }
  }

  /**
   * Deletes {@code top} from shared storage, then each file below it in its backing chain that
   * nothing else references any more; stops at the first base still in use.
   */
  void deleteChain(HostName host, String top, Set<String> activeTops) {
    deleteChain(host, top, activeTops, false);
  }

  /**
   * Deletes the files a block pull dropped from a chain: {@code top} (the old backing file of the
   * active overlay) and each file below it, stopping at the first one some domain or volume still
   * reads (a clone's base).
   */
  void deleteDropped(HostName host, String top) {
    deleteChain(host, top, activeTops(), true);
  }

  private void deleteChain(HostName host, String top, Set<String> activeTops, boolean checkTop) {
    if (top == null || !inShared(top)) {
      return;
    }
    StoragePool pool = pools.shared(host);
    try {
      Pools.refresh(pool);
      String current = top;
      boolean first = !checkTop;
      while (current != null && inShared(current)) {
        String name = Path.of(current).getFileName().toString();
        Optional<String> below = backing(pool, name);
        if (!first && (activeTops.contains(current) || backedOn(pool, current))) {
          return;
        }
        Pools.delete(pool, name);
        first = false;
        current = below.orElse(null);
      }
    } finally {
      Pools.free(pool);
    }
  }

  /** Active files (every disk's source) of every domain on every reachable host. */
  Set<String> activeTops() {
    Set<String> tops = new HashSet<>();
    for (HostName h : hosts.names()) {
      if (!hosts.reachable(h)) {
        continue;
      }
      for (DomainRef d : hosts.all(h)) {
        try (d) {
          DomainXml.parse(d.xml()).disks().forEach(k -> tops.add(k.file()));
        }
      }
    }
    return tops;
  }

  private boolean inShared(String path) {
    Path p = Path.of(path).getParent();
    return p != null && p.equals(options.sharedStorageDir());
  }

  private static Optional<String> backing(StoragePool pool, String name) {
    Optional<StorageVol> vol = Pools.volume(pool, name);
    try {
      return vol.flatMap(Pools::backingOf);
    } finally {
      vol.ifPresent(Pools::free);
    }
  }

  private static boolean backedOn(StoragePool pool, String path) {
    for (String name : List.of(Pools.volumeNames(pool))) {
      Optional<String> b = backing(pool, name);
      if (b.isPresent() && b.get().equals(path)) {
        return true;
      }
    }
    return false;
  }
}
