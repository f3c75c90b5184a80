package io.hotclone.api.pools;

/**
 * A pool's clones now: {@code ready} (running in standby, the pool's), {@code creating} (asked for
 * by refills still in flight) and {@code claimed} (handed out and still alive: ordinary VMs now).
 */
public record PoolCounts(int ready, int creating, int claimed) {

  /** What the pool itself holds or is making: counted against {@code maxSize}. */
  public int held() {
    return ready + creating;
  }
}
