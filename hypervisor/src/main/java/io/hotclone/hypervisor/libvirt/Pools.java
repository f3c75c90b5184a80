package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.nio.file.Path;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;

/**
 * The two directory pools the driver uses on every host: {@code hotclone-shared} over the shared
 * storage directory and {@code hotclone-local} over the host's own directory. Created as transient
 * pools when missing; refreshed before lookups because QEMU creates snapshot files behind the
 * pool's back.
 */
final class Pools {
  static final String SHARED = "hotclone-shared";
  static final String LOCAL = "hotclone-local";

  private final Hosts hosts;
  private final LibvirtOptions options;

  Pools(Hosts hosts, LibvirtOptions options) {
    this.hosts = hosts;
    this.options = options;
  }

  /** Caller frees. */
  StoragePool shared(HostName host) {
    return ensure(host, SHARED, options.sharedStorageDir());
  }

  /** Caller frees. */
  StoragePool local(HostName host) {
    return ensure(host, LOCAL, options.hostDir(host));
  }

  /**
   * The pool over the directory that holds {@code file} on {@code host}: shared storage or the
   * host's own directory; empty for a file elsewhere. Caller frees.
   */
  Optional<StoragePool> holding(HostName host, String file) {
    Path dir = file == null ? null : Path.of(file).getParent();
    if (dir == null) {
      return Optional.empty();
    }
    if (dir.equals(options.sharedStorageDir())) {
      return Optional.of(shared(host));
    }
    if (dir.equals(options.hostDir(host))) {
      return Optional.of(local(host));
    }
    return Optional.empty();
  }

  private StoragePool ensure(HostName host, String name, Path dir) {
    Connect c = hosts.connect(host);
    try {
      StoragePool existing = c.storagePoolLookupByName(name);
      if (existing.getXMLDesc(0).contains("<path>" + dir + "</path>")) {
        return existing;
      }
      // a pool of that name over another directory (another checkout, an older configuration):
      // this driver's pools are transient, so replacing it loses nothing
      existing.destroy();
      free(existing);
    } catch (LibvirtException e) {
      if (!Failures.notFound(e)) {
        throw Failures.driver("pool " + name + " on " + host, e);
      }
    }
    DomainXml xml = DomainXml.create("pool");
    Element pool = DomainXml.attrs(xml.root(), "type", "dir");
    xml.append(pool, "name", name);
    xml.append(xml.append(pool, "target"), "path", dir.toString());
    try {
      return c.storagePoolCreateXML(xml.toXml(), 0);
    } catch (LibvirtException e) {
      try {
        return c.storagePoolLookupByName(name); // created concurrently
      } catch (LibvirtException again) {
        throw Failures.driver("create pool " + name + " on " + host, e);
      }
    }
  }

  static void refresh(StoragePool pool) {
    long deadline = System.nanoTime() + REFRESH_WAIT.toNanos();
    while (true) {
      try {
        pool.refresh(0);
        return;
      } catch (LibvirtException e) {
        // libvirt refuses to refresh a pool while one of its volumes is being built or streamed
        // (another clone's state copy): such a job ends within seconds, so wait for it
        if (!busy(e) || System.nanoTime() > deadline) {
          throw Failures.driver("refresh pool", e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new io.hotclone.hypervisor.HypervisorException.DriverFailure(
            "refresh pool: interrupted while waiting for its volume jobs", ie);
      }
    }
  }

  /** How long {@link #refresh} waits for a pool's volume jobs (builds, uploads) to end. */
  static final java.time.Duration REFRESH_WAIT = java.time.Duration.ofSeconds(30);

  /** Whether libvirt refused because the pool has volume jobs running. */
  static boolean busy(LibvirtException e) {
    return e.getMessage() != null && e.getMessage().contains("asynchronous jobs running");
  }

  /** The volume called {@code name} in the pool, if any. Caller frees. */
  static Optional<StorageVol> volume(StoragePool pool, String name) {
    try {
      return Optional.of(pool.storageVolLookupByName(name));
    } catch (LibvirtException e) {
      if (Failures.notFound(e)) {
        return Optional.empty();
      }
      throw Failures.driver("lookup volume " + name, e);
    }
  }

  static void free(StoragePool pool) {
    if (pool != null) {
      try {
        pool.free();
      } catch (LibvirtException ignored) {
        // already freed
      }
    }
  }

  static void free(StorageVol vol) {
    if (vol != null) {
      try {
        vol.free();
      } catch (LibvirtException ignored) {
        // already freed
      }
    }
  }

  static String path(StorageVol vol) {
    try {
      return vol.getPath();
    } catch (LibvirtException e) {
      throw Failures.driver("volume path", e);
    }
  }

  static long capacity(StorageVol vol) {
    try {
      return vol.getInfo().capacity;
    } catch (LibvirtException e) {
      throw Failures.driver("volume info", e);
    }
  }

  /** Deletes the volume called {@code name} if present; true when something was deleted. */
  static boolean delete(StoragePool pool, String name) {
    Optional<StorageVol> vol = volume(pool, name);
    if (vol.isEmpty()) {
      return false;
    }
    try {
      vol.get().delete(0);
      return true;
    } catch (LibvirtException e) {
      if (Failures.notFound(e)) {
        return false;
      }
      throw Failures.driver("delete volume " + name, e);
    } finally {
      free(vol.get());
    }
  }

  static String[] volumeNames(StoragePool pool) {
    try {
      return pool.listVolumes();
    } catch (LibvirtException e) {
      throw Failures.driver("list volumes", e);
    }
  }

  /**
   * A new empty qcow2 volume {@code name} over {@code backingPath} (qcow2), of {@code capacity}
   * bytes. Caller frees.
   */
  static StorageVol createOverlay(StoragePool pool, String name, long capacity, String backingPath) throws LibvirtException {
    DomainXml x = DomainXml.create("volume");
    org.w3c.dom.Element root = x.root();
    x.append(root, "name", name);
    DomainXml.attrs(x.append(root, "capacity", Long.toString(capacity)), "unit", "bytes");
    DomainXml.attrs(x.append(x.append(root, "target"), "format"), "type", "qcow2");
    org.w3c.dom.Element backing = x.append(root, "backingStore");
    x.append(backing, "path", backingPath);
    DomainXml.attrs(x.append(backing, "format"), "type", "qcow2");
    return pool.storageVolCreateXML(x.toXml(), 0);
  }

  /**
   * The backing file of a qcow2 volume as the pool reports it, if any; none when the volume was
   * deleted since it was looked up (a clone's start deletes its state image while another instance
   * lists the pool: a volume that is gone backs nothing).
   */
  static Optional<String> backingOf(StorageVol vol) {
    try {
      return DomainXml.parse(vol.getXMLDesc(0)).text("/volume/backingStore/path").filter(p -> !p.isEmpty());
    } catch (LibvirtException e) {
      if (Failures.notFound(e)) {
        return Optional.empty();
      }
      throw Failures.driver("volume XML", e);
    }
  }
}
