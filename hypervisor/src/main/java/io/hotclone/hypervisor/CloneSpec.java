package io.hotclone.hypervisor;

/**
 * Step 6: define a clone on {@code state.target()} from the copied state, its disk and identity;
 * {@code policy} says what happens when the guest cannot be given that identity (null: the
 * default, {@link IdentityPolicy#DEFAULT}).
 */
public record CloneSpec(VmId source, CopiedState state, StoragePointer disk, VmIdentity identity, IdentityPolicy policy) {

  public CloneSpec {
    policy = policy == null ? IdentityPolicy.DEFAULT : policy;
  }

  public CloneSpec(VmId source, CopiedState state, StoragePointer disk, VmIdentity identity) {
    this(source, state, disk, identity, null);
  }
}
