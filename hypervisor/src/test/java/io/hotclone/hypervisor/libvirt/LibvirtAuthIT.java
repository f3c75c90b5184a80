package io.hotclone.hypervisor.libvirt;

import static io.hotclone.hypervisor.libvirt.GuestTicks.ticks;
import static io.hotclone.hypervisor.libvirt.LibvirtTestEnv.HOST_A;
import static io.hotclone.hypervisor.libvirt.LibvirtTestEnv.HOST_B;
import static io.hotclone.hypervisor.libvirt.LibvirtTestEnv.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * libvirt over authenticated transports, through the SPI only: host-a over SASL (DIGEST-MD5 on
 * {@code qemu+tcp}, the user and password file of {@code scripts/libvirt/setup.sh}), host-b over
 * {@code qemu+tls} with a client certificate (libvirt's pkipath). A running guest is hot-cloned
 * host-a → host-b (to the TLS host) and that clone host-b → host-a (to the SASL host). A wrong
 * password, a pkipath without the client certificate and a client certificate of another CA are
 * each refused with an error naming the host; no log line, exception or stderr output holds the
 * password.
 */
class LibvirtAuthIT {
  private LibvirtTestEnv env;
  private String saslUri;
  private String tlsUri;
  private String user;
  private Path passwordFile;
  private Path pki;
  private String password;
  private LibvirtHypervisor hv;
  private final List<VmId> made = new ArrayList<>();
  private final List<UUID> cloneIds = new ArrayList<>();
  private ListAppender<ILoggingEvent> logs;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream originalErr;
  @TempDir Path tmp;

  @BeforeEach
  void setUp() throws Exception {
    env = LibvirtTestEnv.load();
    saslUri = LibvirtTestEnv.require("HOTCLONE_LIBVIRT_SASL_SOURCE_URI");
    tlsUri = LibvirtTestEnv.require("HOTCLONE_LIBVIRT_TLS_TARGET_URI");
    user = LibvirtTestEnv.require("HOTCLONE_LIBVIRT_SASL_USERNAME");
    passwordFile = Path.of(LibvirtTestEnv.require("HOTCLONE_LIBVIRT_SASL_PASSWORD_FILE"));
    pki = Path.of(LibvirtTestEnv.require("HOTCLONE_LIBVIRT_TLS_PKI_DIR"));
    password = Files.readString(passwordFile).strip();
    assertThat(password).hasSizeGreaterThan(8);
    logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, stderr), true));
  }

  @AfterEach
  void tearDown() {
    try {
      if (hv != null) {
        cloneIds.forEach(hv::release);
        for (int i = made.size() - 1; i >= 0; i--) {
          hv.destroyVm(made.get(i));
        }
      }
    } finally {
      if (hv != null) {
        hv.close();
      }
      System.setErr(originalErr);
      root().detachAppender(logs);
    }
  }

  private Map<HostName, String> authUris() {
    return Map.of(HOST_A, saslUri, HOST_B, tlsUri);
  }

  private LibvirtHypervisor driver(HostAuth a, HostAuth b) {
    return new LibvirtHypervisor(authUris(), env.options().withHostAuth(Map.of(HOST_A, a, HOST_B, b)));
  }

  @Test
  void hotClonesToATlsHostAndToASaslHost() throws Exception {
    hv = driver(HostAuth.sasl(user, passwordFile), HostAuth.tls(pki));
    assertThat(hv.hosts()).extracting(HostInfo::name, HostInfo::uri, HostInfo::reachable, HostInfo::reason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(HOST_A, saslUri, true, null),
            org.assertj.core.groups.Tuple.tuple(HOST_B, tlsUri, true, null));

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo src = hv.createVm(new VmSpec(HOST_A, "hc-auth-src-" + suffix, 128L << 20, 64L << 20));
    made.add(src.id());
    await("source ticks", Duration.ofSeconds(90), () -> counter(src.id()) >= 3);

    VmInfo toTls = hotClone(src.id(), HOST_B, "hc-auth-tls-" + suffix);
    assertThat(toTls.host()).isEqualTo(HOST_B);
    assertThat(toTls.state()).isEqualTo(VmState.RUNNING);
    Path tlsLog = env.hostBDir().resolve(toTls.identity().name() + ".serial.log");
    await("the clone on the TLS host ticks", Duration.ofSeconds(30), () -> ticks(tlsLog).size() >= 3);

    VmInfo toSasl = hotClone(toTls.id(), HOST_A, "hc-auth-sasl-" + suffix);
    assertThat(toSasl.host()).isEqualTo(HOST_A);
    assertThat(toSasl.state()).isEqualTo(VmState.RUNNING);
    assertThat(toSasl.parent()).isEqualTo(toTls.id());
    Path saslLog = env.hostADir().resolve(toSasl.identity().name() + ".serial.log");
    await("the clone on the SASL host ticks", Duration.ofSeconds(30), () -> ticks(saslLog).size() >= 3);
    assertThat(ticks(saslLog).get(0)).as("the clone of the clone continues its source's counter")
        .isGreaterThan(ticks(tlsLog).get(0));
    assertThat(hv.hosts()).extracting(HostInfo::runningVms).allMatch(n -> n >= 1);
    assertNoSecretAnywhere();
  }

  @Test
  void theHostsRefuseConnectionsWithoutTheirCredentials() throws Exception {
    // the unauthenticated attempts: the SASL listener demands a user, the TLS listener a certificate
    hv = driver(HostAuth.NONE, HostAuth.NONE);
    List<HostInfo> hosts = hv.hosts();
    assertThat(hosts).noneMatch(HostInfo::reachable);
    assertThat(hosts).allMatch(h -> h.reason() != null && !h.reason().isBlank());
    System.out.println("without credentials: " + hosts);
  }

  @Test
  void aWrongPasswordIsRefusedNamingTheHost() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    Path wrongFile = tmp.resolve("wrong-password");
    Files.writeString(wrongFile, wrong + "\n");
    hv = driver(HostAuth.sasl(user, wrongFile), HostAuth.tls(pki));

    HostInfo a = host(hv.hosts(), HOST_A);
    assertThat(a.reachable()).isFalse();
    assertThat(a.reason()).as("libvirt's reason").containsIgnoringCase("authentication failed");
    assertThat(host(hv.hosts(), HOST_B).reachable()).as("the other host is not affected").isTrue();
    assertThatThrownBy(() -> hv.vms(HOST_A))
        .isInstanceOf(HypervisorException.HostUnreachable.class)
        .hasMessageContaining("host-a")
        .hasMessageContaining("authentication failed")
        .satisfies(e -> assertThat(((HypervisorException.HostUnreachable) e).host()).isEqualTo(HOST_A));
    assertThat(logged()).as("one warning naming the host and its URI")
        .anyMatch(l -> l.contains("host-a") && l.contains(saslUri) && l.toLowerCase().contains("authentication failed"));
    assertThat(String.join("\n", logged()) + stderr).doesNotContain(wrong);
    assertNoSecretAnywhere();

    // the right password in the same file: the next connection succeeds (read per connection)
    Files.writeString(wrongFile, password);
    assertThat(host(hv.hosts(), HOST_A).reachable()).isTrue();
    assertNoSecretAnywhere();
  }

  @Test
  void aMissingPasswordFileIsRefusedNamingTheHostAndTheFile() {
    Path missing = tmp.resolve("missing-password");
    hv = driver(HostAuth.sasl(user, missing), HostAuth.tls(pki));
    HostInfo a = host(hv.hosts(), HOST_A);
    assertThat(a.reachable()).isFalse();
    assertThat(a.reason()).isEqualTo("SASL password file " + missing + " does not exist");
    assertThatThrownBy(() -> hv.vms(HOST_A)).hasMessageContaining("host-a").hasMessageContaining(missing.toString());
  }

  @Test
  void aMissingClientCertificateIsRefusedNamingTheHost() throws Exception {
    Path noCert = tmp.resolve("pki-without-cert");
    Files.createDirectories(noCert);
    Files.copy(pki.resolve("cacert.pem"), noCert.resolve("cacert.pem"));
    hv = driver(HostAuth.sasl(user, passwordFile), HostAuth.tls(noCert));
    HostInfo b = host(hv.hosts(), HOST_B);
    assertThat(b.reachable()).isFalse();
    assertThat(b.reason()).isEqualTo("TLS pkipath " + noCert + " has no readable clientcert.pem, clientkey.pem");
    assertThatThrownBy(() -> hv.vms(HOST_B))
        .isInstanceOf(HypervisorException.HostUnreachable.class)
        .hasMessageContaining("host-b")
        .hasMessageContaining("clientcert.pem");
    assertThat(logged()).anyMatch(l -> l.contains("host-b") && l.contains("clientcert.pem"));
    assertThat(host(hv.hosts(), HOST_A).reachable()).isTrue();
    assertNoSecretAnywhere();
  }

  @Test
  void aClientCertificateOfAnotherCaIsRefusedNamingTheHost() throws Exception {
    Path foreign = tmp.resolve("pki-foreign-cert");
    Files.createDirectories(foreign);
    Files.copy(pki.resolve("cacert.pem"), foreign.resolve("cacert.pem"), StandardCopyOption.REPLACE_EXISTING);
    // a self-signed client certificate with the expected name, signed by no CA the host trusts:
    // libvirt's client checks its own certificate against the CA first and refuses to connect
    Process p = new ProcessBuilder(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", foreign.resolve("clientkey.pem").toString(), "-out", foreign.resolve("clientcert.pem").toString(),
            "-subj", "/O=HotClone test/CN=hotclone-test-client")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl made a certificate").isTrue();
    hv = driver(HostAuth.sasl(user, passwordFile), HostAuth.tls(foreign));
    HostInfo b = host(hv.hosts(), HOST_B);
    assertThat(b.reachable()).isFalse();
    assertThat(b.reason()).as("libvirt's reason").isNotBlank();
    System.out.println("untrusted certificate: " + b.reason());
    assertThatThrownBy(() -> hv.vms(HOST_B)).isInstanceOf(HypervisorException.HostUnreachable.class).hasMessageContaining("host-b");
    assertThat(logged()).anyMatch(l -> l.contains("host-b") && l.contains(tlsUri));
  }

  /** One hot clone of {@code source} onto {@code target} through the SPI, started. */
  private VmInfo hotClone(VmId source, HostName target, String name) throws Exception {
    UUID cloneId = UUID.randomUUID();
    cloneIds.add(cloneId);
    hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
    CopiedState cs = hv.copyState(OperationId.of(cloneId, "copy", 1), source, target);
    hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
    StoragePointer ptr = hv.createClonePointer(OperationId.of(cloneId, "pointer", 1), source, target);
    hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
    VmIdentity id = new VmIdentity(name, UUID.randomUUID(), GuestVmCreator.randomMac(), null, null, "HC-" + name, null);
    VmId clone = hv.configureClone(OperationId.of(cloneId, "configure", 1), new CloneSpec(source, cs, ptr, id)).id();
    made.add(clone);
    return hv.startClone(OperationId.of(cloneId, "start", 1), clone);
  }

  private long counter(VmId vm) {
    return hv.findVm(vm).orElseThrow().guest().counter();
  }

  private static HostInfo host(List<HostInfo> hosts, HostName name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  private List<String> logged() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : logs.list) {
      lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    return lines;
  }

  private void assertNoSecretAnywhere() {
    assertThat(String.join("\n", logged())).as("logs").doesNotContain(password);
    assertThat(stderr.toString()).as("stderr").doesNotContain(password);
  }

  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** Writes to two streams. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
