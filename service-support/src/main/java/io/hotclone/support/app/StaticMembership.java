package io.hotclone.support.app;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Kafka static group membership for a service instance ({@code hotclone.kafka.instance-id}): each
 * consumer gets {@code group.instance.id} = the instance id (and the binding's name for any binding
 * other than the saga consumer's; Spring Kafka appends {@code -0}, {@code -1} per consumer thread).
 * A restarted instance that rejoins with the same id gets its partitions back at once, without a
 * rebalance and without waiting for the killed member's session to time out.
 *
 * <p>Contract for operators: the id must be stable across restarts of one instance and unique
 * among the live instances of a service (two live members with one id fence each other). What
 * static membership does not speed up: a <em>different</em> instance taking over a dead one's
 * partitions still waits for the session timeout ({@code hotclone.kafka.session-timeout-ms}), and
 * so does a scale-down (a static member leaving sends no leave request). Unset (the default,
 * devstack), members are dynamic as before.
 */
final class StaticMembership {
  private final String instanceId;

  StaticMembership(String instanceId) {
    this.instanceId = instanceId == null ? "" : instanceId.trim();
  }

  void apply(Map<String, Object> config, String binding) {
    if (instanceId.isEmpty()) {
      return;
    }
    String id = ServiceDefaults.BINDING.equals(binding) ? instanceId : instanceId + "-" + binding;
    config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
  }
}
