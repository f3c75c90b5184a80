package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The Prometheus scrape of the stack after clones: clone-api's {@code /actuator/prometheus} over
 * HTTP, and the same registry text of the four other services (devstack runs them without a web
 * server; on their own they serve it at {@code /actuator/prometheus} on {@code server.port}). The
 * Grafana dashboard may only query metric names the scrape has.
 */
class MetricsIT {

  private static final String COMPLETED = "hotclone_clones_ended_total{failed_step=\"none\",outcome=\"completed\"}";
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

  @Test
  void theScrapeCountsTheClonesMadeAndHasEveryMeter() {
    TestStack.await("no operation in flight", Duration.ofSeconds(60),
        () -> value(apiScrape(), "hotclone_operations_in_flight") == 0);
    Map<String, Double> before = apiScrape();

    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":%d}";
    assertThat(TestStack.cloneAndWait(body.formatted(1)).path("phase").asString()).isEqualTo("COMPLETED");
    assertThat(TestStack.cloneAndWait(body.formatted(2)).path("phase").asString()).isEqualTo("COMPLETED");

    Map<String, Double> api = apiScrape();
    assertThat(value(api, COMPLETED) - countBefore(before, COMPLETED)).isEqualTo(2.0);
    assertThat(value(api, "hotclone_clones_made_total") - countBefore(before, "hotclone_clones_made_total")).isEqualTo(3.0);
    assertThat(value(api, "hotclone_operations_in_flight")).isZero();
    assertThat(value(api, "hotclone_step_duration_seconds_count{step=\"configure-clone\"}")
        - countBefore(before, "hotclone_step_duration_seconds_count{step=\"configure-clone\"}")).isEqualTo(2.0);
    assertThat(value(api, "hotclone_source_pause_seconds_count") - countBefore(before, "hotclone_source_pause_seconds_count"))
        .isEqualTo(2.0);
    assertThat(names(api)).contains(
        "hotclone_clone_duration_seconds_bucket", "hotclone_step_duration_seconds_bucket",
        "hotclone_source_pause_seconds_bucket", "hotclone_outbox_lag_seconds", "hotclone_inbox_size",
        "hotclone_dead_letters_total", "hotclone_driver_call_seconds_bucket");
    assertThat(value(api, "hotclone_inbox_size{service=\"clone-api\"}")).isPositive();

    Map<String, Map<String, Double>> services = serviceScrapes();
    assertThat(services.keySet()).containsExactlyInAnyOrder(
        "storage-service", "memory-service", "transfer-service", "config-service");
    for (var e : services.entrySet()) {
      Set<String> n = names(e.getValue());
      assertThat(n).as(e.getKey()).contains("hotclone_outbox_lag_seconds", "hotclone_inbox_size", "hotclone_dead_letters_total");
      assertThat(value(e.getValue(), "hotclone_outbox_lag_seconds{service=\"" + e.getKey() + "\"}")).as(e.getKey()).isNotNaN();
    }
    assertThat(names(services.get("storage-service"))).contains("hotclone_lease_expiries_total");
    assertThat(names(services.get("memory-service"))).contains("hotclone_lease_expiries_total");
    assertThat(value(services.get("memory-service"), "hotclone_driver_call_seconds_count{operation=\"freezeMemory\",outcome=\"success\"}"))
        .isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsInTheScrape() throws IOException {
    TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    Set<String> scraped = new HashSet<>(names(apiScrape()));
    serviceScrapes().values().forEach(s -> scraped.addAll(names(s)));

    JsonNode dashboard = TestStack.JSON.readTree(Files.readString(Path.of("..", "docs", "grafana", "hotclone.json")));
    Set<String> queried = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = Pattern.compile("\\bhotclone_[a-z0-9_]+").matcher(target.path("expr").asString());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    assertThat(queried).hasSizeGreaterThan(10);
    assertThat(scraped).containsAll(queried);
  }

  private static Map<String, Double> apiScrape() {
    TestStack.Response r = TestStack.get("/actuator/prometheus");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    return parse(r.text());
  }

  private static Map<String, Map<String, Double>> serviceScrapes() {
    Map<String, Map<String, Double>> all = new HashMap<>();
    List<ConfigurableApplicationContext> contexts = TestStack.get().services();
    for (ConfigurableApplicationContext c : contexts.subList(0, contexts.size() - 1)) {
      all.put(c.getEnvironment().getProperty("spring.application.name"),
          parse(c.getBean(PrometheusMeterRegistry.class).scrape()));
    }
    return all;
  }

  /** Samples of the text exposition format: {@code name{labels}} → value. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }

  private static Set<String> names(Map<String, Double> samples) {
    Set<String> names = new HashSet<>();
    samples.keySet().forEach(k -> names.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
    return names;
  }

  /**
   * The value of series {@code key} ({@code name{labels}} as scraped, labels in the scrape's order);
   * fails when the scrape has no such series, naming the series of that name it has.
   */
  private static double value(Map<String, Double> samples, String key) {
    Double v = samples.get(key);
    if (v == null) {
      String name = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
      throw new AssertionError("no series " + key + " in the scrape; series named " + name + ": "
          + samples.keySet().stream().filter(k -> k.equals(name) || k.startsWith(name + "{")).sorted().toList());
    }
    return v;
  }

  /**
   * {@link #value} in the scrape taken before the clones, where a counter or timer that has counted
   * nothing yet is not registered at all: its absence there is a count of 0.
   */
  private static double countBefore(Map<String, Double> before, String key) {
    return before.getOrDefault(key, 0.0);
  }
}
