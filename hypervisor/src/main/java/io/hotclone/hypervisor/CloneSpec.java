package io.hotclone.hypervisor;

/**
 * Step 6: define a clone on {@code state.target()} from the copied state, its disk and identity;
 * {@code policy} says what happens when the guest cannot be given that identity (null: the
 * default, {@link IdentityPolicy#DEFAULT}).
 *
 * @param standby whether {@link Hypervisor#startClone} leaves the clone's network links down once
 *     its identity is applied (a warm pool's ready clone; {@link Hypervisor#bringLinksUp} at claim)
 */
public record CloneSpec(
    VmId source, CopiedState state, StoragePointer disk, VmIdentity identity, IdentityPolicy policy, boolean standby) {

  public CloneSpec {
    policy = policy == null ? IdentityPolicy.DEFAULT : policy;
  }

  public CloneSpec(VmId source, CopiedState state, StoragePointer disk, VmIdentity identity, IdentityPolicy policy) {
    this(source, state, disk, identity, policy, false);
  }

  public CloneSpec(VmId source, CopiedState state, StoragePointer disk, VmIdentity identity) {
    this(source, state, disk, identity, null);
  }
}
