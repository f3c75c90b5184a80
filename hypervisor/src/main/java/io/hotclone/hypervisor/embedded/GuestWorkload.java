package io.hotclone.hypervisor.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The deterministic guest program. Iteration {@code k} (k = 1, 2, ...) updates the running checksum
 * {@code c_k = mix(c_{k-1} ^ k)} and writes the record {@code (k, c_k)} to slot {@code k mod 256} of
 * memory page {@link #page} and {@code ("tick k", k, c_k)} to slot {@code k mod 2048} of disk block
 * {@link #block}. Page and block depend only on {@code k} and the working-set sizes, so a VM's whole
 * memory and disk are a function of its counter: a clone that starts from its source's state at
 * counter {@code n} and runs on must look exactly like a VM that ran from scratch. The vCPU
 * registers are {@code (k, c_k, pc, sp)}; the device state is the last disk block and slot written.
 */
final class GuestWorkload {
  static final int MEM_RECORD = 16;
  static final int DISK_RECORD = 32;
  static final int MEM_SLOTS = PageMemory.PAGE / MEM_RECORD;
  static final int DISK_SLOTS = BlockArena.BLOCK / DISK_RECORD;

  private GuestWorkload() {}

  static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long nextChecksum(long previous, long k) {
    return mix(previous ^ k);
  }

  static long page(long k, long workingSetPages) {
    return Math.floorMod(mix(k * 31 + 7), workingSetPages);
  }

  static int memOffset(long k) {
    return (int) (k % MEM_SLOTS) * MEM_RECORD;
  }

  static int block(long k, int workingSetBlocks) {
    return (int) Math.floorMod(mix(k * 17 + 3), (long) workingSetBlocks);
  }

  static int diskOffset(long k) {
    return (int) (k % DISK_SLOTS) * DISK_RECORD;
  }

  static long[] registers(long k, long checksum) {
    return new long[] {k, checksum, 0x1000 + (k % 64) * 4, 0x7fff0000L - (k % 16) * 8};
  }

  /** The disk record of iteration {@code k} ("tick k" in ASCII, then k and the checksum). */
  static ByteBuffer diskRecord(long k, long checksum) {
    ByteBuffer b = ByteBuffer.allocate(DISK_RECORD);
    byte[] text = ("tick " + k).getBytes(StandardCharsets.US_ASCII);
    b.put(text, 0, Math.min(16, text.length));
    b.putLong(16, k).putLong(24, checksum);
    return b.position(0);
  }

  /**
   * Expected memory pages and disk blocks after iterations 1..{@code counter} from zero memory and
   * disk: only the touched pages and blocks; everything else is zero.
   */
  static Expected expected(long counter, long memPages, int diskBlocks) {
    Map<Long, byte[]> pages = new HashMap<>();
    Map<Integer, byte[]> blocks = new HashMap<>();
    long c = 0;
    for (long k = 1; k <= counter; k++) {
      c = nextChecksum(c, k);
      byte[] p = pages.computeIfAbsent(page(k, memPages), x -> new byte[PageMemory.PAGE]);
      ByteBuffer.wrap(p).putLong(memOffset(k), k).putLong(memOffset(k) + 8, c);
      byte[] b = blocks.computeIfAbsent(block(k, diskBlocks), x -> new byte[BlockArena.BLOCK]);
      ByteBuffer.wrap(b).position(diskOffset(k)).put(diskRecord(k, c));
    }
    return new Expected(counter, c, pages, blocks);
  }

  /** The state iterations 1..counter must have produced. */
  record Expected(long counter, long checksum, Map<Long, byte[]> pages, Map<Integer, byte[]> blocks) {}
}
