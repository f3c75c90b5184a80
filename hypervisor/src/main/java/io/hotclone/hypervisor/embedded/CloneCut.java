package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.VmId;
import java.util.UUID;

/**
 * What a clone was made from (invariant I1): the source's guest counter and checksum at the cut and
 * SHA-256 digests of the source's memory image and disk at the cut, and the clone's counter and
 * digests when it was started, before its guest ran. Digests are empty when the driver runs with
 * {@code recordDigests=false}.
 */
public record CloneCut(
    UUID cloneId,
    VmId source,
    VmId cloneVm,
    String cutBaseRef,
    long sourceCounter,
    long sourceChecksum,
    String sourceMemoryDigest,
    String sourceDiskDigest,
    long cloneStartCounter,
    String cloneMemoryDigest,
    String cloneDiskDigest) {}
