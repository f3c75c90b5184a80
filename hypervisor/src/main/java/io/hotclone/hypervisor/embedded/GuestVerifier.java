package io.hotclone.hypervisor.embedded;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Checks a VM against {@link GuestWorkload#expected}: every memory page, every disk block any layer
 * of its chain holds, the checksum and the registers. Called with the VM's lock held.
 */
final class GuestVerifier {
  private static final int MAX_MISMATCHES = 10;

  private GuestVerifier() {}

  static GuestCheck verify(EmbeddedVm v, SharedStorage storage) {
    GuestWorkload.Expected e = GuestWorkload.expected(v.counter, v.memWorkingSet, v.diskWorkingSet);
    List<String> mismatches = new ArrayList<>();
    if (e.checksum() != v.checksum) {
      mismatches.add("checksum " + v.checksum + " != expected " + e.checksum());
    }
    if (v.counter > 0 && !Arrays.equals(v.registers, GuestWorkload.registers(v.counter, v.checksum))) {
      mismatches.add("registers " + Arrays.toString(v.registers));
    }
    byte[] zeroPage = new byte[PageMemory.PAGE];
    for (long p = 0; p < v.memory.pages && mismatches.size() < MAX_MISMATCHES; p++) {
      byte[] want = e.pages().getOrDefault(p, zeroPage);
      byte[] got = v.memory.read(p);
      int at = Arrays.mismatch(want, got);
      if (at >= 0) {
        mismatches.add("page " + p + " differs at byte " + at + describe(want, got, at, 16));
      }
    }
    TreeSet<Integer> blocks = storage.visibleBlocks(v.disk);
    blocks.addAll(e.blocks().keySet());
    byte[] zeroBlock = new byte[BlockArena.BLOCK];
    ByteBuffer buf = ByteBuffer.allocate(BlockArena.BLOCK);
    for (int b : blocks) {
      if (mismatches.size() >= MAX_MISMATCHES) {
        break;
      }
      buf.clear();
      storage.read(v.disk, b, 0, buf);
      byte[] want = e.blocks().getOrDefault(b, zeroBlock);
      int at = Arrays.mismatch(want, buf.array());
      if (at >= 0) {
        mismatches.add("disk block " + b + " differs at byte " + at + describe(want, buf.array(), at, 32));
      }
    }
    return new GuestCheck(v.id, v.counter, List.copyOf(mismatches));
  }

  private static String describe(byte[] want, byte[] got, int at, int record) {
    int start = at - at % record;
    long wantK = ByteBuffer.wrap(want).getLong(start + (record == 16 ? 0 : 16));
    long gotK = ByteBuffer.wrap(got).getLong(start + (record == 16 ? 0 : 16));
    return " (record of iteration " + gotK + ", expected " + wantK + ")";
  }
}
