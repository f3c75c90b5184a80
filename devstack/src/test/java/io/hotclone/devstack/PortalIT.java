package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The portal page: its static files load without credentials while the API stays closed, and the
 * page works end to end in headless Chromium ({@code portal-e2e/portal.e2e.mjs}, playwright-core
 * against Debian's {@code chromium}): tenant-a's key, demo-1 in the table, a clone to host-b
 * followed live over SSE to COMPLETED, the new node in the lineage graph, a clone failed in the
 * saga and two refused requests shown with their reasons; a clone of a guest without an agent
 * (the embedded driver's {@code removeGuestAgent}) made from the form with a name, policy isolate,
 * a lease and labels shown as isolated with its link down and why, and with require-agent failed;
 * the VM table paged by label one VM a page, the operations paged; and a screenshot in {@code
 * target/portal/portal.png}; and the page's own {@code text/event-stream} parser against chosen
 * chunkings ({@code portal-e2e/sse-parser.test.mjs}, Node.js). Node.js and chromium are required:
 * without them this test fails.
 */
class PortalIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void thePortalsFilesLoadWithoutCredentialsAndTheApiStaysClosed() {
    int port = TestStack.get().apiPort();
    TestStack.Response page = TestStack.raw(port, "GET", "/portal/index.html", null, Map.of());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.text()).contains("data-testid=\"vms-table\"").contains("portal.js");
    assertThat(header(port, "/portal/index.html", "Content-Security-Policy"))
        .as("the page's Content-Security-Policy").contains("script-src 'self'").contains("frame-ancestors 'none'");
    for (String[] file : new String[][] {{"/portal/portal.js", "javascript"}, {"/portal/portal.css", "text/css"}}) {
      TestStack.Response r = TestStack.raw(port, "GET", file[0], null, Map.of());
      assertThat(r.status()).as(file[0]).isEqualTo(200);
      assertThat(r.contentType()).as(file[0]).contains(file[1]);
    }
    for (String path : List.of("/portal", "/portal/")) {
      TestStack.Response r = TestStack.raw(port, "GET", path, null, Map.of());
      assertThat(r.status()).as(path).isEqualTo(302);
      assertThat(r.location()).as(path).endsWith("/portal/index.html");
    }
    // only those files, only GET: the API and everything else still need credentials
    for (String[] req : new String[][] {
        {"GET", "/api/v1/vms"}, {"GET", "/api/v1/hosts"}, {"GET", "/api/v1/clones"},
        {"GET", "/portal/other.html"}, {"GET", "/asyncapi.yaml"},
        {"POST", "/portal/index.html"}}) {
      TestStack.Response r = TestStack.raw(port, req[0], req[1], null, Map.of());
      assertThat(r.status()).as("%s %s", req[0], req[1]).isEqualTo(401);
      assertThat(r.isProblem()).as("%s %s: %s", req[0], req[1], r.text()).isTrue();
    }
    // a wrong key on the page's own request is still refused, not ignored
    TestStack.Response wrongKey = TestStack.raw(port, "GET", "/portal/index.html", null, Map.of("X-API-Key", "hc_nope_nope"));
    assertThat(wrongKey.status()).isEqualTo(401);
  }

  @Test
  void thePagesEventStreamParserHandlesEveryLineEndAndChunking() throws Exception {
    Result parser = run(repositoryRoot().resolve("portal-e2e"), List.of("node", "sse-parser.test.mjs"), null, 60);
    System.out.print(parser.output());
    assertThat(parser.code()).as("sse-parser.test.mjs:\n" + parser.output()).isZero();
    assertThat(parser.output()).contains("ok  CRLF split across chunks").contains("never in the URL");
  }

  @Test
  void clonesFromThePageInHeadlessChromium() throws Exception {
    assertThat(CHROMIUM).as("Debian's chromium (scripts/test.sh installs it)").isExecutable();
    Path project = repositoryRoot().resolve("portal-e2e");
    if (!Files.isDirectory(project.resolve("node_modules/playwright-core"))) {
      Result ci = run(project, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
      assertThat(ci.code()).as("npm ci in portal-e2e:\n" + ci.output()).isZero();
    }
    Path screenshot = Path.of("target/portal/portal.png").toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    DevStack stack = TestStack.get();
    TestStack.demoVmId();
    // a VM whose guest has no agent, alone with its label: its clone (policy isolate) is isolated
    String run = "p" + java.util.UUID.randomUUID().toString().substring(0, 8);
    TestStack.Response noAgent = TestStack.send("POST", "/api/v1/vms", "{\"name\":\"noagent-" + run
        + "\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16,\"labels\":{\"portal\":\"" + run + "\"}}",
        Map.of("X-API-Key", stack.apiKey("tenant-a")));
    assertThat(noAgent.status()).as(noAgent.text()).isEqualTo(201);
    TestStack.hypervisor().removeGuestAgent(new io.hotclone.hypervisor.VmId(noAgent.body().path("id").asString()));
    Map<String, String> env = Map.of(
        "PORTAL_URL", "http://localhost:" + stack.apiPort() + "/portal/",
        "HOTCLONE_API_KEY", stack.apiKey("tenant-a"),
        "SCREENSHOT", screenshot.toString(),
        "CHROMIUM", CHROMIUM.toString(),
        "E2E_INJECT", "1",
        "NOAGENT_VM", "noagent-" + run,
        "PORTAL_LABEL", "portal=" + run);
    Result e2e = run(project, List.of("node", "portal.e2e.mjs"), env, 240);
    System.out.print(e2e.output());
    assertThat(e2e.code()).as("portal.e2e.mjs:\n" + e2e.output()).isZero();
    assertThat(e2e.output())
        .contains("reached COMPLETED over SSE")
        .contains("the form sent no targetHost, placement pack")
        .contains("the operation shows where its clone went")
        .contains("shows the new clone as a descendant")
        .contains("a failed clone shows its reason")
        .contains("the clone has the name typed in the form")
        .contains("an isolated clone is shown as isolated, not healthy")
        .contains("an isolated clone says its link is down and why")
        .contains("policy require-agent from the form fails the clone")
        .contains("the VM list pages through")
        .contains("the operations list pages through")
        .contains("labels shown")
        .contains("a pool created from the page shows its ready clone")
        .contains("and the pool counts it claimed")
        .contains("refills it to 2 ready")
        .contains("deleting the pool from the page drains it");
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png.length).as("screenshot size").isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  /** One response header of an unauthenticated {@code GET}. */
  private static String header(int port, String path, String name) {
    try {
      return HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.discarding())
          .headers().firstValue(name).orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  record Result(int code, String output) {}

  /**
   * Runs a command in {@code dir}, stdout and stderr merged. A line {@code @inject-failure} makes
   * the copy step of the clone requested next fail (in the embedded hypervisor, armed for that
   * clone's id) and answers {@code ok} on the command's stdin.
   */
  private static Result run(Path dir, List<String> command, Map<String, String> env, int timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (out) {
            out.append(line).append('\n');
          }
          if (line.equals("@inject-failure")) {
            InjectedFailures.failNextOperationOfTheNextClone("copy-0", "injected: target disk full");
            w.write("ok\n");
            w.flush();
          }
        }
      } catch (IOException e) {
        synchronized (out) {
          out.append("(reading the output failed: ").append(e).append(")\n");
        }
      }
    }, "portal-e2e-output");
    reader.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(5_000);
      synchronized (out) {
        return new Result(-1, out + "(timed out after " + timeoutSeconds + " s)");
      }
    }
    reader.join(5_000);
    synchronized (out) {
      return new Result(p.exitValue(), out.toString());
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("portal-e2e/package-lock.json"))) {
        return p;
      }
    }
    throw new IllegalStateException("portal-e2e/ not found above " + Path.of("").toAbsolutePath());
  }
}
