package io.hotclone.api.webhooks.delivery;

import io.hotclone.api.webhooks.Backoff;
import io.hotclone.api.webhooks.Destinations;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hotclone.webhooks.*}.
 *
 * @param allowedDestinations host names ({@code hooks.example.com}, {@code *.example.com}) and
 *     address blocks ({@code 10.1.0.0/16}, {@code 127.0.0.1/32}) webhooks may go to besides public
 *     addresses; empty (the default): public addresses only
 * @param publicDestinations whether public addresses are allowed without being listed
 * @param requestTimeout connect and answer timeout of one attempt
 * @param backoffInitial the delay after the first failed attempt, doubled after each further one
 * @param backoffMax the longest delay between attempts
 * @param giveUpAfter a delivery not made this long after its event is {@code FAILED}
 * @param disableAfterFailures an endpoint is disabled after this many consecutive failed attempts
 * @param concurrency requests in flight at once (at most one per endpoint per clone-api instance)
 * @param pollInterval how often due deliveries are looked for (besides right after an event commits
 *     and after each attempt)
 * @param retention delivered and failed deliveries are deleted this long after they ended
 */
@ConfigurationProperties("hotclone.webhooks")
public record WebhookProperties(
    @DefaultValue List<String> allowedDestinations,
    @DefaultValue("true") boolean publicDestinations,
    @DefaultValue("10s") Duration requestTimeout,
    @DefaultValue("5s") Duration backoffInitial,
    @DefaultValue("1h") Duration backoffMax,
    @DefaultValue("24h") Duration giveUpAfter,
    @DefaultValue("20") int disableAfterFailures,
    @DefaultValue("8") int concurrency,
    @DefaultValue("500ms") Duration pollInterval,
    @DefaultValue("7d") Duration retention) {

  public WebhookProperties {
    allowedDestinations = allowedDestinations == null ? List.of() : List.copyOf(allowedDestinations);
    if (disableAfterFailures < 1 || concurrency < 1) {
      throw new IllegalArgumentException("hotclone.webhooks.disable-after-failures and concurrency must be at least 1");
    }
  }

  public Backoff backoff() {
    return new Backoff(backoffInitial, backoffMax, giveUpAfter);
  }

  /** The allow-list (fails at startup on an entry that is not a host name, address or block). */
  public Destinations destinations() {
    return Destinations.of(allowedDestinations, publicDestinations);
  }
}
