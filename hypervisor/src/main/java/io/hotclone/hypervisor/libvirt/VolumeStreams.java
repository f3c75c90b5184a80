package io.hotclone.hypervisor.libvirt;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.libvirt.Connect;
import org.libvirt.StorageVol;

/**
 * Moves volume bytes through libvirt streams (virStorageVolDownload / virStorageVolUpload), so a
 * file on one host reaches another host over the libvirt connection alone. Streams are blocking;
 * every stream is finished or aborted, then freed.
 */
final class VolumeStreams {
  private static final int CHUNK = 1 << 20;

  private VolumeStreams() {}

  /** What a copy moved and the CRC-32C of the bytes that left the source. */
  record Copied(long bytes, String crc32c) {}

  /**
   * Streams all of {@code from} into {@code to} (from offset 0), checksumming on the way (CRC-32C: hardware-accelerated, and what storage stacks use against transfer corruption). A reader thread
   * receives from the source while this thread hashes and sends, so both links stay busy.
   */
  static Copied copy(Connect fromConn, StorageVol from, Connect toConn, StorageVol to, long length) {
    LibvirtNative n = LibvirtNative.get();
    CRC32C crc = new CRC32C();
    Pointer in = newStream(fromConn);
    Pointer out = null;
    boolean ok = false;
    BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(32);
    AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
    Thread reader = null;
    try {
      out = newStream(toConn);
      check(n.virStorageVolDownload(NativeHandles.of(from), in, 0, length, 0), "virStorageVolDownload");
      check(n.virStorageVolUpload(NativeHandles.of(to), out, 0, length, 0), "virStorageVolUpload");
      Pointer source = in;
      reader = new Thread(() -> receive(source, chunks, readFailure), "libvirt-stream-reader");
      reader.setDaemon(true);
      reader.start();
      long total = 0;
      while (true) {
        byte[] chunk = chunks.take();
        if (chunk.length == 0) {
          break;
        }
        crc.update(chunk);
        sendAll(out, chunk);
        total += chunk.length;
      }
      reader.join();
      if (readFailure.get() != null) {
        throw readFailure.get();
      }
      check(n.virStreamFinish(out), "virStreamFinish (upload)");
      ok = true;
      return new Copied(total, hex(crc));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.hotclone.hypervisor.HypervisorException.DriverFailure("interrupted while copying a volume", e);
    } finally {
      if (reader != null && reader.isAlive()) {
        n.virStreamAbort(in); // unblocks the reader
        reader.interrupt();
        try {
          reader.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        LibvirtNative.get().virStreamFree(in);
      } else {
        release(in, ok);
      }
      release(out, ok);
    }
  }

  /** Reader side of {@link #copy}: chunks, then an empty chunk at the end (also after a failure). */
  private static void receive(Pointer in, BlockingQueue<byte[]> chunks, AtomicReference<RuntimeException> failure) {
    LibvirtNative n = LibvirtNative.get();
    byte[] buf = new byte[CHUNK];
    try {
      while (true) {
        int got = n.virStreamRecv(in, buf, CHUNK);
        if (got < 0) {
          throw Failures.nativeCall("virStreamRecv");
        }
        if (got == 0) {
          check(n.virStreamFinish(in), "virStreamFinish (download)");
          break;
        }
        chunks.put(java.util.Arrays.copyOf(buf, got));
      }
    } catch (RuntimeException e) {
      failure.set(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.set(new io.hotclone.hypervisor.HypervisorException.DriverFailure("interrupted", e));
    } finally {
      try {
        chunks.put(new byte[0]);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sendAll(Pointer out, byte[] data) {
    int sent = 0;
    while (sent < data.length) {
      byte[] rest = sent == 0 ? data : java.util.Arrays.copyOfRange(data, sent, data.length);
      int s = LibvirtNative.get().virStreamSend(out, rest, rest.length);
      if (s < 0) {
        throw Failures.nativeCall("virStreamSend");
      }
      sent += s;
    }
  }

  /** CRC-32C of the whole volume, read through a download stream on its own host. */
  static String crc32c(Connect conn, StorageVol vol) {
    LibvirtNative n = LibvirtNative.get();
    CRC32C crc = new CRC32C();
    Pointer in = newStream(conn);
    boolean ok = false;
    try {
      check(n.virStorageVolDownload(NativeHandles.of(vol), in, 0, 0, 0), "virStorageVolDownload");
      Memory buf = new Memory(CHUNK);
      byte[] heap = new byte[CHUNK];
      int got;
      while ((got = n.virStreamRecv(in, buf, CHUNK)) > 0) {
        buf.read(0, heap, 0, got);
        crc.update(heap, 0, got);
      }
      if (got < 0) {
        throw Failures.nativeCall("virStreamRecv");
      }
      check(n.virStreamFinish(in), "virStreamFinish");
      ok = true;
      return hex(crc);
    } finally {
      release(in, ok);
    }
  }

  /** {@code length} bytes of the volume from {@code offset} (less at end of file). */
  static byte[] read(Connect conn, StorageVol vol, long offset, int length) {
    LibvirtNative n = LibvirtNative.get();
    Pointer in = newStream(conn);
    boolean ok = false;
    try {
      check(n.virStorageVolDownload(NativeHandles.of(vol), in, offset, length, 0), "virStorageVolDownload");
      byte[] result = new byte[length];
      int have = 0;
      while (have < length) {
        byte[] part = new byte[length - have];
        int got = n.virStreamRecv(in, part, part.length);
        if (got < 0) {
          throw Failures.nativeCall("virStreamRecv");
        }
        if (got == 0) {
          break;
        }
        System.arraycopy(part, 0, result, have, got);
        have += got;
      }
      // drain to EOF so finish succeeds
      byte[] sink = new byte[4096];
      while (n.virStreamRecv(in, sink, sink.length) > 0) {
        // nothing
      }
      check(n.virStreamFinish(in), "virStreamFinish");
      ok = true;
      return have == length ? result : java.util.Arrays.copyOf(result, have);
    } finally {
      release(in, ok);
    }
  }

  /** Overwrites {@code data.length} bytes of the volume at {@code offset}; the rest stays. */
  static void write(Connect conn, StorageVol vol, long offset, byte[] data) {
    LibvirtNative n = LibvirtNative.get();
    Pointer out = newStream(conn);
    boolean ok = false;
    try {
      check(n.virStorageVolUpload(NativeHandles.of(vol), out, offset, data.length, 0), "virStorageVolUpload");
      sendAll(out, data);
      check(n.virStreamFinish(out), "virStreamFinish");
      ok = true;
    } finally {
      release(out, ok);
    }
  }

  private static Pointer newStream(Connect conn) {
    Pointer s = LibvirtNative.get().virStreamNew(NativeHandles.of(conn), 0);
    if (s == null) {
      throw Failures.nativeCall("virStreamNew");
    }
    return s;
  }

  private static void release(Pointer stream, boolean finished) {
    if (stream == null) {
      return;
    }
    if (!finished) {
      LibvirtNative.get().virStreamAbort(stream);
    }
    LibvirtNative.get().virStreamFree(stream);
  }

  private static void check(int rc, String what) {
    if (rc < 0) {
      throw Failures.nativeCall(what);
    }
  }

  private static String hex(CRC32C crc) {
    return String.format("%08x", crc.getValue());
  }
}
