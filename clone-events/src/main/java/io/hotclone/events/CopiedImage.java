package io.hotclone.events;

/**
 * One copy of the frozen state on the target host, for clone {@code index}.
 *
 * @param imageRef where the image lives on the target
 * @param checksum checksum of the image as written and verified
 */
public record CopiedImage(
    int index, String imageRef, long bytes, long pagesCopied, long zeroPagesSkipped, String checksum) {}
