/**
 * The libvirt driver: the hot-clone method on QEMU hosts reached through libvirt URIs.
 *
 * <p>Mapping (per disk: every file-backed disk of the VM is switched in the same atomic snapshot;
 * the second and later disks' files carry the device name, {@code <vm>.<clone>.vdb.storage.qcow2}).
 * Step 1 (freeze storage) is a disk-only external snapshot without metadata: the
 * source keeps running, its writes go to a new overlay {@code <vm>.<clone>.storage.qcow2}, and
 * the file it wrote to before becomes an immutable base. Step 2 (freeze memory) is a live external
 * memory+disk snapshot (flags NO_METADATA|ATOMIC|LIVE): QEMU pre-copies RAM while the guest runs
 * (the dirty bitmap is the "buffer"), pauses it only for the last dirty pages plus vCPU and device
 * state, and at that same instant switches the disk to a second overlay {@code
 * <vm>.<clone>.cut.qcow2}; the storage overlay is then frozen exactly at the cut, so the memory
 * image and that file form the consistent cut (I1). The pause is measured from libvirt lifecycle
 * events (Suspended to Resumed). With {@link
 * io.hotclone.hypervisor.libvirt.LibvirtOptions.MemoryFreezeMethod#BACKGROUND_SNAPSHOT} step 2 is
 * instead QEMU's background snapshot ({@link io.hotclone.hypervisor.libvirt.BackgroundSnapshotter}):
 * the source is suspended, its disks switched to the same cut overlays, its device state saved and
 * its RAM write-protected, and it runs again while RAM is saved page by page as it was at the cut;
 * the image has the same save-image layout, so every later step is unchanged. Step 3 gives each clone its own copy of the image (a {@code
 * LibvirtQemudSave} file that carries RAM, vCPU and device state), by {@link
 * io.hotclone.hypervisor.libvirt.LibvirtOptions.CopyMode}: SHARED (the default) has the snapshot
 * write the image into shared storage and copies it there with a local file copy by the driver
 * process, verified by CRC-32C against the frozen image and flushed, so no byte passes through
 * libvirt; STREAM has the snapshot write it into the source host's own directory and streams it
 * into the target host's with virStorageVolDownload/Upload, computing its CRC-32C on the way out
 * and again by reading it back from the target. Both check the save-image magic and version, and
 * fail with {@code CorruptImage} (deleting the copy) on any mismatch. Each clone needs its own
 * file because step 6 rewrites its header in place. Step 4 has nothing to merge: QEMU already
 * folded the dirty pages back while the guest ran, so the thaw drops the lease and the frozen
 * image. Step 5 drops the storage
 * lease and keeps the source's backing chain within {@link
 * io.hotclone.hypervisor.libvirt.LibvirtOptions#chainDepthBudget()} by a block pull into the
 * source's active overlay (bases are shared with clones, so they are never committed into).
 * Step 7 is a qcow2 overlay over the cut base created through the target's storage pool (QEMU's
 * image locking keeps the base read-only for everyone). Step 6 rewrites the domain XML embedded
 * in the copied save image (name, UUID, MAC, SMBIOS serial, disk, serial log, lineage metadata)
 * in place and defines the clone; starting it restores that image on the target.
 *
 * <p>Identity. Libvirt-side identity (name, UUID, MAC, SMBIOS serial, VM generation id when the
 * source has one) is new. The guest itself keeps what it read before the cut: the MAC in the
 * virtio-net device state and the SMBIOS/DMI tables it loaded at boot (the new values show after a
 * reboot or a NIC re-plug), its hostname, IP configuration and machine id, and its entropy pool
 * and kernel RNG state. Changing those needs the QEMU guest agent; the busybox test guest has none
 * and the driver does not call an agent yet.
 *
 * <p>No state that only one process knows: every file, volume and domain name derives from the
 * clone id and step, and an existing one counts as done; freezes are leases written into the
 * source domain's own metadata ({@link io.hotclone.hypervisor.libvirt.FreezeBook}, namespace
 * {@code urn:hotclone:freeze:1}) before the hypervisor call, so any service process on any machine
 * reads them, and the watchdog of every driver instance thaws (aborts the snapshot job, resumes a
 * paused source) a lease it finds past its deadline, whoever took it. The in-process journal of
 * first results ({@link io.hotclone.hypervisor.OperationJournal}) is only a cache. Release
 * (compensation, from any process) destroys what was made for the clone id, deletes its images and
 * disks and merges the clone's overlays back out of the source's chain by an active block commit
 * into the file the source wrote before the freeze.
 * Native handles are closed in finally blocks.
 */
package io.hotclone.hypervisor.libvirt;
