package io.hotclone.events;

import java.util.List;

/** Step 3 done: frozen memory, vCPU and device state copied to the target, one image per clone. */
public record StateCopied(ClonePlan plan, String baseRef, List<CopiedImage> images, long copyMillis)
    implements CloneEvent {}
