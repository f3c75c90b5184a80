package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libvirt connection per configured host, opened on first use (after the event loop) with the
 * pause meter registered on it, and closed by {@link #close()}. A host with {@link HostAuth}
 * credentials is opened through libvirt's authentication callback ({@link SaslCallback}), a TLS URI
 * with its {@code pkipath}; why a host could not be opened is kept (naming no secret) until it
 * opens again, and logged once per new reason.
 */
final class Hosts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hosts.class);
  private final Map<HostName, String> uris;
  private final Map<HostName, HostAuth> auth;
  private final Function<String, String> env;
  private final PauseMeter pauses;
  private final Map<HostName, Connect> open = new ConcurrentHashMap<>();
  private final Map<HostName, String> failures = new ConcurrentHashMap<>();
  /**
   * Connections whose lifecycle listener could not be deregistered before they were closed: libvirt
   * may still hold the listener's callback, so its Java object (a JNA callback, freed when
   * collected) must never be collected. Kept for the process's life; it only grows when a
   * connection dies under the driver.
   */
  private static final Set<Connect> STILL_REGISTERED = ConcurrentHashMap.newKeySet();
  /** Set by {@link #close}: no connection is opened after it (a late watchdog tick would leak one). */
  private boolean closed;

  Hosts(Map<HostName, String> uris, PauseMeter pauses) {
    this(uris, Map.of(), System::getenv, pauses);
  }

  Hosts(Map<HostName, String> uris, Map<HostName, HostAuth> auth, Function<String, String> env, PauseMeter pauses) {
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("no hosts configured");
    }
    for (HostName h : auth.keySet()) {
      if (!uris.containsKey(h)) {
        throw new IllegalArgumentException("credentials for " + h + ", which is not a configured host");
      }
    }
    this.uris = new LinkedHashMap<>(uris);
    this.auth = Map.copyOf(auth);
    this.env = env;
    this.pauses = pauses;
  }

  Set<HostName> names() {
    return uris.keySet();
  }

  String uri(HostName host) {
    String uri = uris.get(host);
    if (uri == null) {
      throw new HypervisorException.HostNotFound(host);
    }
    return uri;
  }

  Connect connect(HostName host) {
    String uri = uri(host);
    synchronized (this) {
      if (closed) {
        throw new HypervisorException.HostUnreachable(host, "the driver is closed", null);
      }
      Connect c = open.get(host);
      if (c != null && alive(c)) {
        return c;
      }
      if (c != null) {
        closeQuietly(c);
        open.remove(host);
      }
      EventLoop.ensureRunning();
      HostAuth a = auth.getOrDefault(host, HostAuth.NONE);
      String effective = a.effectiveUri(uri);
      Optional<String> problem = a.problem(uri, env);
      if (problem.isPresent()) {
        throw unreachable(host, problem.get(), null);
      }
      SaslCallback callback = a.hasSasl() ? new SaslCallback(a, env) : null;
      try {
        Connect fresh = callback == null ? new Connect(effective, false) : new Connect(effective, callback, 0);
        try {
          fresh.addLifecycleListener(pauses);
        } catch (LibvirtException e) {
          fresh.close();
          throw e;
        }
        open.put(host, fresh);
        if (failures.remove(host) != null) {
          log.info("libvirt host {} at {} is reachable again", host, uri);
        }
        return fresh;
      } catch (LibvirtException e) {
        String reason = e.getMessage();
        if (callback != null && callback.failure() != null) {
          reason = callback.failure() + " (" + reason + ")";
        }
        throw unreachable(host, reason, e);
      }
    }
  }

  private HypervisorException.HostUnreachable unreachable(HostName host, String reason, Throwable cause) {
    String said = reason == null || reason.isBlank() ? "unknown libvirt error" : reason;
    if (!said.equals(failures.put(host, said))) {
      log.warn("libvirt host {} at {} is unreachable: {}", host, uris.get(host), said);
    }
    return new HypervisorException.HostUnreachable(host, said, cause);
  }

  /** Why the host's last connection attempt failed (naming no secret), or empty. */
  Optional<String> failure(HostName host) {
    return Optional.ofNullable(failures.get(host));
  }

  boolean reachable(HostName host) {
    try {
      connect(host);
      return true;
    } catch (HypervisorException.HostUnreachable e) {
      return false;
    }
  }

  /** The VM's domain (caller frees it via {@link DomainRef#close()}) on whichever host has it. */
  Optional<DomainRef> locate(VmId vm) {
    for (HostName host : names()) {
      if (!reachable(host)) {
        continue;
      }
      Optional<DomainRef> ref = lookup(host, vm);
      if (ref.isPresent()) {
        return ref;
      }
    }
    return Optional.empty();
  }

  Optional<DomainRef> lookup(HostName host, VmId vm) {
    if (!isUuid(vm.value())) {
      return Optional.empty(); // libvirt VM ids are domain UUIDs: anything else names no VM
    }
    try {
      return Optional.of(new DomainRef(host, connect(host).domainLookupByUUIDString(vm.value())));
    } catch (LibvirtException e) {
      if (Failures.notFound(e)) {
        return Optional.empty();
      }
      throw Failures.driver("lookup " + vm + " on " + host, e);
    }
  }

  private static boolean isUuid(String s) {
    try {
      return java.util.UUID.fromString(s).toString().equalsIgnoreCase(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  DomainRef require(VmId vm) {
    return locate(vm).orElseThrow(() -> new HypervisorException.VmNotFound(vm));
  }

  /** Every domain, running or defined, on a host. */
  List<DomainRef> all(HostName host) {
    return list(host, true);
  }

  /** Every running domain on a host. */
  List<DomainRef> running(HostName host) {
    return list(host, false);
  }

  private List<DomainRef> list(HostName host, boolean defined) {
    Connect c = connect(host);
    List<DomainRef> result = new ArrayList<>();
    try {
      for (int id : c.listDomains()) {
        add(result, host, () -> c.domainLookupByID(id));
      }
      if (defined) {
        for (String name : c.listDefinedDomains()) {
          add(result, host, () -> c.domainLookupByName(name));
        }
      }
    } catch (LibvirtException e) {
      result.forEach(DomainRef::close);
      throw Failures.driver("list domains on " + host, e);
    }
    return result;
  }

  private interface Lookup {
    org.libvirt.Domain get() throws LibvirtException;
  }

  /** Adds the looked-up domain; one that vanished between listing and lookup is skipped. */
  private static void add(List<DomainRef> result, HostName host, Lookup lookup) throws LibvirtException {
    try {
      result.add(new DomainRef(host, lookup.get()));
    } catch (LibvirtException e) {
      if (!Failures.notFound(e)) {
        throw e;
      }
    }
  }

  PauseMeter pauses() {
    return pauses;
  }

  @Override
  public synchronized void close() {
    closed = true;
    open.values().forEach(this::closeQuietly);
    open.clear();
  }

  private static boolean alive(Connect c) {
    try {
      return c.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private void closeQuietly(Connect c) {
    try {
      c.removeLifecycleListener(pauses);
    } catch (LibvirtException | RuntimeException e) {
      STILL_REGISTERED.add(c); // the connection is gone, but libvirt may still call the listener
    }
    try {
      c.close();
    } catch (LibvirtException ignored) {
      // nothing left to release
    }
  }
}
