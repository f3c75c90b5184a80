package io.hotclone.hypervisor;

/**
 * Step 3: the frozen memory, vCPU and device state as an image on the target host, written with a
 * magic, version and checksum and flushed before this result is returned.
 */
public record CopiedState(
    OperationId op,
    VmId source,
    HostName target,
    String imageRef,
    long bytes,
    long pagesCopied,
    long zeroPagesSkipped,
    String checksum) {}
