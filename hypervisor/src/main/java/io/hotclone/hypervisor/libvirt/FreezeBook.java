package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The freeze leases of one source VM, as kept in its libvirt domain metadata (namespace {@link
 * #NS}), so that every process of every service reads the same facts from the hypervisor itself.
 * Pure: parsing, the state transitions and the serialisation; {@link Leases} does the I/O.
 *
 * <p>A lease is {@code HELD} from before the freeze (undo before do) until the saga thaws it
 * ({@code ENDED}) or someone finds it past its deadline ({@code EXPIRED}); ended and expired
 * records stay as tombstones for {@link #TOMBSTONE_TTL}, so a late or repeated step of that clone
 * fails with {@code LeaseExpired} instead of freezing again.
 */
record FreezeBook(List<Entry> entries) {
  static final String NS = "urn:hotclone:freeze:1";
  static final String PREFIX = "hcf";
  static final Duration TOMBSTONE_TTL = Duration.ofHours(1);

  enum State {
    HELD,
    EXPIRED,
    ENDED
  }

  /** When the memory freeze took its cut, and the source's pause then (-1: not measured). */
  record Cut(Instant at, long pauseNanos) {}

  /** One clone's freeze of this VM; {@code cut} is null until the memory freeze has its cut. */
  record Entry(UUID cloneId, boolean storage, boolean memory, State state, Instant until, Instant endedAt, Cut cut) {
    boolean held() {
      return state == State.HELD && (storage || memory);
    }

    boolean dueAt(Instant now) {
      return held() && now.isAfter(until);
    }
  }

  FreezeBook {
    entries = List.copyOf(entries);
  }

  static FreezeBook empty() {
    return new FreezeBook(List.of());
  }

  /**
   * The book in a domain's XML (live XML for a running domain); empty when it has none. Only the
   * leases taken on this very domain count: an entry whose {@code vm} names another domain (its
   * UUID) was copied from a source into a clone's state image and is ignored, so no watchdog, thaw
   * or compensation acts on a clone for its source's freeze (and the next write drops it).
   */
  static FreezeBook of(DomainXml domain) {
    NodeList nodes = domain.document().getElementsByTagNameNS(NS, "freeze");
    String self = domain.text("/domain/uuid").orElse("");
    List<Entry> result = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      String owner = e.getAttribute("vm");
      if (!owner.isEmpty() && !owner.equalsIgnoreCase(self)) {
        continue;
      }
      String ended = e.getAttribute("ended");
      String cutAt = e.getAttribute("cut");
      Cut cut = cutAt.isEmpty() ? null : new Cut(Instant.parse(cutAt), Long.parseLong(e.getAttribute("pause")));
      result.add(
          new Entry(
              UUID.fromString(e.getAttribute("clone")),
              Boolean.parseBoolean(e.getAttribute("storage")),
              Boolean.parseBoolean(e.getAttribute("memory")),
              State.valueOf(e.getAttribute("state")),
              Instant.parse(e.getAttribute("until")),
              ended.isEmpty() ? null : Instant.parse(ended),
              cut));
    }
    return new FreezeBook(result);
  }

  Optional<Entry> find(UUID cloneId) {
    return entries.stream().filter(e -> e.cloneId().equals(cloneId)).findFirst();
  }

  List<Entry> due(Instant now) {
    return entries.stream().filter(e -> e.dueAt(now)).toList();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Takes (or extends) the storage lease of {@code op}'s clone; an ended or expired one is refused. */
  FreezeBook holdStorage(OperationId op, Duration lease, Instant now) {
    Entry current = find(op.cloneId()).orElse(null);
    if (current != null && current.state() != State.HELD) {
      throw new HypervisorException.LeaseExpired(op);
    }
    Instant until = later(current == null ? null : current.until(), now.plus(lease));
    boolean memory = current != null && current.memory();
    return with(new Entry(op.cloneId(), true, memory, State.HELD, until, null, current == null ? null : current.cut()));
  }

  /** Takes the memory lease; needs the held storage lease of the same clone. */
  FreezeBook holdMemory(OperationId op, String vm, Duration lease, Instant now) {
    Entry current = requireLive(op, "storage of " + vm);
    if (!current.storage()) {
      throw new HypervisorException.NotFrozen(op, "storage of " + vm);
    }
    return with(new Entry(op.cloneId(), true, true, State.HELD, later(current.until(), now.plus(lease)), null, current.cut()));
  }

  /**
   * Records the memory freeze's cut on the held lease, so a step resumed by another process
   * reports the real cut instant and pause instead of unknown ones.
   */
  FreezeBook cut(OperationId op, Cut cut) {
    Entry e = requireLive(op, "memory");
    return with(new Entry(e.cloneId(), e.storage(), e.memory(), e.state(), e.until(), e.endedAt(), cut));
  }

  /** The held lease of {@code op}'s clone: {@code NotFrozen} when never taken, {@code LeaseExpired} when over. */
  Entry requireLive(OperationId op, String what) {
    Entry e = find(op.cloneId()).orElseThrow(() -> new HypervisorException.NotFrozen(op, what));
    if (e.state() != State.HELD) {
      throw new HypervisorException.LeaseExpired(op);
    }
    return e;
  }

  /** Drops the memory part of a held lease (the storage part stays). */
  FreezeBook releaseMemory(UUID cloneId, Instant now) {
    return find(cloneId)
        .filter(e -> e.state() == State.HELD && e.memory())
        .map(e -> with(end(new Entry(cloneId, e.storage(), false, State.HELD, e.until(), null, e.cut()), now)))
        .orElse(this);
  }

  /** Drops the storage part (and with it the lease, storage being its base). */
  FreezeBook releaseStorage(UUID cloneId, Instant now) {
    return find(cloneId)
        .filter(e -> e.state() == State.HELD)
        .map(e -> with(new Entry(cloneId, false, false, State.ENDED, e.until(), now, e.cut())))
        .orElse(this);
  }

  /** Marks a lease expired (a tombstone); nothing when it is not held. */
  FreezeBook expire(UUID cloneId, Instant now) {
    return find(cloneId)
        .filter(e -> e.state() == State.HELD)
        .map(e -> with(new Entry(cloneId, e.storage(), e.memory(), State.EXPIRED, e.until(), now, e.cut())))
        .orElse(this);
  }

  /** Ends a clone's lease for good (compensation): a tombstone, so a late step cannot freeze again. */
  FreezeBook released(UUID cloneId, Instant now) {
    return find(cloneId)
        .map(e -> with(new Entry(cloneId, false, false, e.state() == State.EXPIRED ? State.EXPIRED : State.ENDED, e.until(), e.endedAt() == null ? now : e.endedAt(), e.cut())))
        .orElse(this);
  }

  /** Drops tombstones older than {@link #TOMBSTONE_TTL}. */
  FreezeBook pruned(Instant now) {
    return new FreezeBook(
        entries.stream()
            .filter(e -> e.state() == State.HELD || e.endedAt() == null || now.isBefore(e.endedAt().plus(TOMBSTONE_TTL)))
            .toList());
  }

  /** The metadata element without an owner (see {@link #toMetadata(String)}). */
  String toMetadata() {
    return toMetadata(null);
  }

  /**
   * The metadata element, without namespace (libvirt adds it), or null when the book is empty;
   * each entry names {@code owner}, the UUID of the domain the lease is taken on (see {@link #of}).
   */
  String toMetadata(String owner) {
    if (entries.isEmpty()) {
      return null;
    }
    DomainXml x = DomainXml.create("freezes");
    for (Entry e : entries) {
      Element f = x.append(x.root(), "freeze");
      if (owner != null) {
        f.setAttribute("vm", owner);
      }
      DomainXml.attrs(
          f,
          "clone", e.cloneId().toString(),
          "storage", Boolean.toString(e.storage()),
          "memory", Boolean.toString(e.memory()),
          "state", e.state().name(),
          "until", e.until().toString());
      if (e.endedAt() != null) {
        f.setAttribute("ended", e.endedAt().toString());
      }
      if (e.cut() != null) {
        f.setAttribute("cut", e.cut().at().toString());
        f.setAttribute("pause", Long.toString(e.cut().pauseNanos()));
      }
    }
    return x.toXml();
  }

  private static Entry end(Entry e, Instant now) {
    return e.storage() || e.memory() ? e : new Entry(e.cloneId(), false, false, State.ENDED, e.until(), now, e.cut());
  }

  private FreezeBook with(Entry entry) {
    List<Entry> result = new ArrayList<>();
    boolean replaced = false;
    for (Entry e : entries) {
      if (e.cloneId().equals(entry.cloneId())) {
        result.add(entry);
        replaced = true;
      } else {
        result.add(e);
      }
    }
    if (!replaced) {
      result.add(entry);
    }
    return new FreezeBook(result);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
