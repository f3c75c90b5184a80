package io.hotclone.hypervisor.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;

/**
 * The libvirt calls libvirt-java 0.5.2 does not bind. Pointers are the raw {@code virConnectPtr},
 * {@code virDomainPtr}, {@code virStorageVolPtr} and {@code virStreamPtr} (see {@link
 * NativeHandles}). Return values follow libvirt: negative on failure.
 */
interface LibvirtNative extends Library {

  /** Loaded on first use, so classes that never touch libvirt do not need libvirt0. */
  final class Holder {
    static final LibvirtNative INSTANCE = Native.load("virt", LibvirtNative.class);

    private Holder() {}
  }

  static LibvirtNative get() {
    return Holder.INSTANCE;
  }

  int VIR_DOMAIN_SAVE_RUNNING = 2;
  int VIR_DOMAIN_METADATA_ELEMENT = 2;
  int VIR_DOMAIN_AFFECT_LIVE = 1;
  int VIR_DOMAIN_AFFECT_CONFIG = 2;
  int VIR_DOMAIN_SAVE_PAUSED = 4;
  int VIR_DOMAIN_BLOCK_COMMIT_ACTIVE = 4;
  int VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT = 2;

  /** Sets (or, with a null {@code metadata}, removes) the element of namespace {@code uri}. */
  int virDomainSetMetadata(Pointer domain, int type, String metadata, String key, String uri, int flags);

  /** Merges {@code top} (null: the active layer, with BLOCK_COMMIT_ACTIVE) down into {@code base}. */
  int virDomainBlockCommit(Pointer domain, String disk, String base, String top, NativeLong bandwidth, int flags);

  /** Ends a block job; with ABORT_PIVOT switches the disk to the job's result. */
  int virDomainBlockJobAbort(Pointer domain, String disk, int flags);

  /** libvirt's error callback; the driver installs a silent one (errors surface as exceptions). */
  interface ErrorFunc extends com.sun.jna.Callback {
    void invoke(Pointer userData, Pointer error);
  }

  void virSetErrorFunc(Pointer userData, ErrorFunc handler);

  /** This thread's last error message; owned by libvirt. */
  String virGetLastErrorMessage();

  int virDomainGetState(Pointer domain, IntByReference state, IntByReference reason, int flags);

  int virDomainRestoreFlags(Pointer conn, String from, String dxml, int flags);

  /** Returns a malloc'ed string the caller frees with {@link Native#free(long)}. */
  Pointer virDomainSaveImageGetXMLDesc(Pointer conn, String file, int flags);

  int virDomainBlockPull(Pointer domain, String disk, NativeLong bandwidth, int flags);

  /** 1 while a job runs, 0 when none, -1 on error. */
  int virDomainGetBlockJobInfo(Pointer domain, String disk, BlockJobInfo info, int flags);

  int virDomainMigrateSetMaxDowntime(Pointer domain, long downtimeMs, int flags);

  Pointer virStreamNew(Pointer conn, int flags);

  int virStreamSend(Pointer stream, byte[] data, long nbytes);

  int virStreamRecv(Pointer stream, byte[] data, long nbytes);

  int virStreamSend(Pointer stream, Pointer data, long nbytes);

  int virStreamRecv(Pointer stream, Pointer data, long nbytes);

  int virStreamFinish(Pointer stream);

  int virStreamAbort(Pointer stream);

  int virStreamFree(Pointer stream);

  int virStorageVolUpload(Pointer vol, Pointer stream, long offset, long length, int flags);

  int virStorageVolDownload(Pointer vol, Pointer stream, long offset, long length, int flags);

  /** {@code virDomainBlockJobInfo}. */
  @Structure.FieldOrder({"type", "bandwidth", "cur", "end"})
  class BlockJobInfo extends Structure {
    public int type;
    public NativeLong bandwidth;
    public long cur;
    public long end;
  }
}
