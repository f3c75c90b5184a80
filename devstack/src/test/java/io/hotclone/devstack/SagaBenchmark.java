package io.hotclone.devstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark, not a test: N sequential then N concurrent clones of the demo VM through the whole
 * suite (real Kafka, real PostgreSQL, five services); prints p50/p99 request-to-COMPLETED latency,
 * clones per second, how many sagas (freezes of a source) served the requests and the mean of each
 * step. Run by {@code bench/saga.sh}.
 */
public final class SagaBenchmark {

  private SagaBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    TestStack.use(DevStackSettings::forBenchmarks);
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      sources.add(smallVm("bench-src-" + i));
    }
    for (int i = 0; i < 5; i++) {
      TestStack.cloneAndWait(body(sources.get(0))); // warm-up
    }
    long t0 = System.nanoTime();
    List<Double> seq = new ArrayList<>();
    List<JsonNode> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      ops.add(TestStack.cloneAndWait(body(sources.get(0))));
      seq.add((System.nanoTime() - s) / 1e6);
    }
    report("sequential", seq, n / ((System.nanoTime() - t0) / 1e9), ops);
    concurrent("concurrent(" + concurrency + "), one source VM", n, concurrency, List.of(sources.get(0)));
    concurrent("concurrent(" + concurrency + "), " + concurrency + " source VMs", n, concurrency, sources);
    scaleOut(smallVm("bench-golden"), 32, 3);
    System.exit(0);
  }

  /** A 4 MiB / 16 MiB VM on host-a, created through the API. */
  private static String smallVm(String name) {
    TestStack.Response r = TestStack.post("/api/v1/vms",
        "{\"name\":\"" + name + "\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16}");
    if (r.status() != 201) {
      throw new IllegalStateException("POST /api/v1/vms answered " + r.status() + ": " + r.body());
    }
    return r.body().path("id").asString();
  }

  /** Autoscaling: {@code rounds} requests, each for {@code count} clones from one freeze. */
  private static void scaleOut(String source, int count, int rounds) {
    List<Double> ms = new ArrayList<>();
    List<JsonNode> ops = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      long s = System.nanoTime();
      ops.add(TestStack.cloneAndWait(
          "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":" + count + "}"));
      ms.add((System.nanoTime() - s) / 1e6);
    }
    report("count=" + count + " (one freeze each)", ms, rounds * count / ((System.nanoTime() - t0) / 1e9), ops);
  }

  private static String body(String source) {
    return "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}";
  }

  private static void concurrent(String name, int n, int concurrency, List<String> sources) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<Double>> futures = new ArrayList<>();
    List<JsonNode> ops = java.util.Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String source = sources.get(i % sources.size());
      futures.add(pool.submit(() -> {
        long s = System.nanoTime();
        ops.add(TestStack.cloneAndWait(body(source)));
        return (System.nanoTime() - s) / 1e6;
      }));
    }
    List<Double> ms = new ArrayList<>();
    for (Future<Double> f : futures) {
      ms.add(f.get());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    report(name, ms, n / seconds, ops);
  }

  private static void report(String name, List<Double> ms, double perSecond, List<JsonNode> ops) {
    double[] a = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long failed = ops.stream().filter(o -> !"COMPLETED".equals(o.path("phase").asString())).count();
    long sagas = ops.stream().map(o -> o.path("sagaId").asString()).distinct().count();
    System.out.printf(Locale.ROOT, "%-34s n=%d failed=%d p50=%.1f ms p99=%.1f ms max=%.1f ms  %.1f clones/s  sagas (freezes)=%d%n",
        name, a.length, failed, pct(a, 50), pct(a, 99), a[a.length - 1], perSecond, sagas);
    double[] server = ops.stream().mapToDouble(o -> o.path("totalMillis").asDouble()).sorted().toArray();
    System.out.printf(Locale.ROOT, "  as clone-api records it (request committed -> completed): p50=%.0f ms p99=%.0f ms%n",
        pct(server, 50), pct(server, 99));
    System.out.println("  step timings (mean ms): " + meanSteps(ops));
  }

  private static String meanSteps(List<JsonNode> ops) {
    java.util.Map<String, double[]> sums = new java.util.TreeMap<>();
    for (JsonNode op : ops) {
      JsonNode steps = op.path("stepMillis");
      for (var e : steps.properties()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        s[0] += e.getValue().asDouble();
        s[1]++;
      }
    }
    StringBuilder b = new StringBuilder();
    sums.forEach((k, v) -> b.append(String.format(Locale.ROOT, "%s=%.1f ", k, v[0] / v[1])));
    return b.toString().trim();
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

}
