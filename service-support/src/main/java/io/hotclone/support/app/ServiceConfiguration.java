package io.hotclone.support.app;

import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.web.ProblemErrorPages;
import io.hotclone.events.EventCodec;
import io.hotclone.events.Topics;
import io.hotclone.support.hypervisor.HypervisorConfiguration;
import io.hotclone.support.hypervisor.HypervisorProperties;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.lease.FreezeLeases;
import io.hotclone.support.messaging.CloneEventConsumer;
import io.hotclone.support.messaging.HandledTypes;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.metrics.OutboxInboxMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.hotclone.support.outbox.JdbcOutboxRows;
import io.hotclone.support.outbox.Outbox;
import io.hotclone.support.outbox.OutboxRelay;
import io.hotclone.support.outbox.OutboxRows;
import io.hotclone.support.outbox.Retention;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.binder.kafka.provisioning.AdminClientConfigCustomizer;
import org.springframework.cloud.stream.binder.kafka.support.ConsumerConfigCustomizer;
import org.springframework.cloud.stream.binder.kafka.support.ProducerConfigCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/** The infrastructure beans of a HotClone service. Import it from the service's application class. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HypervisorProperties.class)
@EnableScheduling
@Import(HypervisorConfiguration.class)
public class ServiceConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  HaltPoints haltPoints(
      @Value("${hotclone.fault.halt-at:}") String haltAt, @Value("${hotclone.fault.test-only:false}") boolean testOnly,
      @Value("${hotclone.fault.arm-dir:}") String armDir, @Value("${spring.application.name:service}") String application) {
    // a crash test arms a running service by writing a point's name to <arm-dir>/<application>.halt-at
    java.nio.file.Path armFile = armDir.isBlank() ? null : java.nio.file.Path.of(armDir).resolve(application + ".halt-at");
    return new HaltPoints(haltAt, testOnly, armFile);
  }

  /** Errors Tomcat answers itself (before Spring) are problem details too. */
  @Bean
  ProblemErrorPages problemErrorPages() {
    return new ProblemErrorPages();
  }

  @Bean
  EventCodec eventCodec() {
    return new EventCodec();
  }

  @Bean
  KafkaSecurity kafkaSecurity(Environment env) {
    return KafkaSecurity.from(env);
  }

  /**
   * The binder's consumers, producers and admin client authenticate as {@link KafkaSecurity} says.
   * With {@code hotclone.kafka.instance-id} set, the consumers are static group members ({@link
   * StaticMembership}).
   */
  @Bean
  ConsumerConfigCustomizer kafkaSecurityForConsumers(
      KafkaSecurity security, @Value("${hotclone.kafka.instance-id:}") String instanceId) {
    StaticMembership membership = new StaticMembership(instanceId);
    return (config, binding, destination) -> {
      config.putAll(security.clientProperties());
      membership.apply(config, binding);
    };
  }

  @Bean
  ProducerConfigCustomizer kafkaSecurityForProducers(KafkaSecurity security) {
    return (config, binding, destination) -> config.putAll(security.clientProperties());
  }

  @Bean
  AdminClientConfigCustomizer kafkaSecurityForAdmin(KafkaSecurity security) {
    return config -> config.putAll(security.clientProperties());
  }

  @Bean
  KafkaTemplate<byte[], byte[]> outboxKafkaTemplate(
      @Value("${hotclone.kafka.bootstrap-servers:localhost:9092}") String bootstrap,
      @Value("${spring.application.name}") String name,
      KafkaSecurity security) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.CLIENT_ID_CONFIG, "outbox-" + name));
    config.putAll(security.clientProperties());
    return new KafkaTemplate<>(new DefaultKafkaProducerFactory<byte[], byte[]>(config));
  }

  @Bean
  OutboxRows outboxRows(JdbcTemplate jdbc, TransactionTemplate tx) {
    return new JdbcOutboxRows(jdbc, tx);
  }

  @Bean
  OutboxRelay outboxRelay(
      @Value("${spring.application.name}") String name,
      @Value("${hotclone.outbox.poll-interval:500ms}") Duration poll,
      OutboxRows outboxRows,
      KafkaTemplate<byte[], byte[]> outboxKafkaTemplate) {
    return new OutboxRelay(name, outboxRows, outboxKafkaTemplate, poll);
  }

  @Bean
  Retention retention(
      JdbcTemplate jdbc,
      @Value("${hotclone.outbox.retention:1h}") Duration outboxRetention,
      @Value("${hotclone.inbox.retention:8d}") Duration inboxRetention) {
    return new Retention(jdbc, outboxRetention, inboxRetention);
  }

  /** The trace context carried across Kafka (none when tracing is not configured). */
  @Bean
  TraceContexts traceContexts(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
    Tracer t = tracer.getIfAvailable();
    Propagator p = propagator.getIfAvailable();
    return t == null || p == null ? TraceContexts.none() : new TraceContexts(t, p);
  }

  @Bean
  Outbox outbox(OutboxRows outboxRows, EventCodec codec, OutboxRelay relay, TraceContexts traces) {
    return new Outbox(outboxRows, codec, relay, traces);
  }

  @Bean
  OutboxInboxMetrics outboxInboxMetrics(JdbcTemplate jdbc, @Value("${spring.application.name}") String name) {
    return new OutboxInboxMetrics(jdbc, name);
  }

  @Bean
  FreezeLeases freezeLeases(JdbcTemplate jdbc, EventCodec codec) {
    return new FreezeLeases(jdbc, codec);
  }

  @Bean
  Inbox inbox(JdbcTemplate jdbc) {
    return new Inbox(jdbc);
  }

  @Bean
  SagaSteps sagaSteps(Inbox inbox, Outbox outbox, TransactionTemplate tx, Clock clock) {
    return new SagaSteps(inbox, outbox, tx, clock);
  }

  @Bean
  CloneEventConsumer onCloneEvent(
      EventCodec codec,
      SagaEventHandler handler,
      KafkaTemplate<byte[], byte[]> outboxKafkaTemplate,
      @Value("${spring.application.name}") String name,
      MeterRegistry registry,
      TraceContexts traces) {
    return new CloneEventConsumer(
        codec, handler, outboxKafkaTemplate, Topics.DLQ_PREFIX + name,
        registry.counter("hotclone.dead.letters", "service", name), traces, HandledTypes.filter(name));
  }
}
