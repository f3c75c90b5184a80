package io.hotclone.hypervisor;

/** Step 6: define a clone on {@code state.target()} from the copied state, its disk and identity. */
public record CloneSpec(VmId source, CopiedState state, StoragePointer disk, VmIdentity identity) {}
