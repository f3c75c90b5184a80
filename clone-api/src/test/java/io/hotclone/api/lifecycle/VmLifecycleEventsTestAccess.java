package io.hotclone.api.lifecycle;

import io.hotclone.api.publishing.PublicCloudEvent;
import io.hotclone.api.messaging.LifecycleCloudEvents;
import tools.jackson.databind.json.JsonMapper;

/** Lets tests of other packages encode a VM lifecycle event as clone-api does. */
public final class VmLifecycleEventsTestAccess {

  private VmLifecycleEventsTestAccess() {}

  public static PublicCloudEvent encode(JsonMapper json, VmLifecycleEvent event) {
    return new VmLifecycleCloudEvents(json).encode(event);
  }
}
