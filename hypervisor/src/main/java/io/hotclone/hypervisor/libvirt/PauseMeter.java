package io.hotclone.hypervisor.libvirt;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;

/**
 * Measures how long a guest was paused from libvirt lifecycle events: the first {@code SUSPENDED}
 * after a start mark to the next {@code RESUMED}. Both events travel the same path from QEMU
 * through libvirtd to this JVM, so their delivery delays cancel out.
 */
final class PauseMeter implements LifecycleListener {
  private static final int KEEP = 64;

  private record Mark(DomainEventType type, long nanos) {}

  private final Map<String, Deque<Mark>> marks = new ConcurrentHashMap<>();

  @Override
  public int onLifecycleChange(Domain domain, DomainEvent event) {
    long now = System.nanoTime();
    String uuid;
    try {
      uuid = domain.getUUIDString();
    } catch (LibvirtException e) {
      return 0;
    }
    Deque<Mark> deque = marks.computeIfAbsent(uuid, k -> new ArrayDeque<>());
    synchronized (deque) {
      deque.addLast(new Mark(event.getType(), now));
      while (deque.size() > KEEP) {
        deque.removeFirst();
      }
      deque.notifyAll();
    }
    return 0;
  }

  /**
   * The pause of {@code uuid} that began after {@code sinceNanos}, waiting up to {@code wait} for
   * its {@code RESUMED} event; empty when no complete pause was seen.
   */
  OptionalLong pauseSince(String uuid, long sinceNanos, Duration wait) {
    Deque<Mark> deque = marks.computeIfAbsent(uuid, k -> new ArrayDeque<>());
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (deque) {
      while (true) {
        long suspended = -1;
        for (Mark m : deque) {
          if (m.nanos() < sinceNanos) {
            continue;
          }
          if (suspended < 0 && m.type() == DomainEventType.SUSPENDED) {
            suspended = m.nanos();
          } else if (suspended >= 0 && m.type() == DomainEventType.RESUMED) {
            return OptionalLong.of(m.nanos() - suspended);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return OptionalLong.empty();
        }
        try {
          deque.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return OptionalLong.empty();
        }
      }
    }
  }
}
