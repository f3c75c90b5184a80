package io.hotclone.api.publishing;

import io.hotclone.events.Topics;
import io.hotclone.support.outbox.Outbox;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The one way a public lifecycle CloudEvent leaves clone-api: appended to the outbox for {@code
 * hotclone.lifecycle} (keyed by {@code key}: the clone id for {@code io.hotclone.clone.*}, the VM id
 * for {@code io.hotclone.vm.*}, so one subject's events stay in order), and handed, in the same
 * transaction, to every {@link Listener} (e.g. the webhook deliveries). Needs a transaction.
 */
@Component
public class PublicEvents {

  /** Told of every public event appended, in the appending transaction. */
  public interface Listener {
    void appended(PublicCloudEvent event, UUID key, String tenant);
  }

  private final Outbox outbox;
  private final Supplier<List<Listener>> listeners;

  @Autowired
  public PublicEvents(Outbox outbox, ObjectProvider<Listener> listeners) {
    this.outbox = outbox;
    this.listeners = () -> listeners.orderedStream().toList();
  }

  /** With fixed listeners (none for a plain outbox), outside Spring. */
  public PublicEvents(Outbox outbox, List<Listener> listeners) {
    this.outbox = outbox;
    List<Listener> fixed = List.copyOf(listeners);
    this.listeners = () -> fixed;
  }

  public void append(PublicCloudEvent event, UUID key, String tenant) {
    outbox.appendRaw(event.id(), key, Topics.LIFECYCLE, event.type(), event.contentType(), event.body());
    for (Listener l : listeners.get()) {
      l.appended(event, key, tenant);
    }
  }
}
