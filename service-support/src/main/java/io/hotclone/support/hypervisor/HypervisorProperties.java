package io.hotclone.support.hypervisor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hotclone.hypervisor.*}: which driver, and the hosts as name → URI. For the embedded driver
 * the URI is informational ({@code embedded://host-a}); for libvirt it is the connection URI
 * ({@code qemu:///system}, {@code qemu+tcp://host/system}). For libvirt, {@code storage-dir} is the
 * storage every host sees at the same path (NFS, Ceph): disks, frozen bases and clone overlays.
 */
@ConfigurationProperties("hotclone.hypervisor")
public class HypervisorProperties {

  private String driver = "embedded";
  private Map<String, String> hosts = new LinkedHashMap<>();
  private Path storageDir = Path.of("target", "hotclone-storage");
  private long guestTickMillis = 5;
  private Map<String, Path> hostDirs = new LinkedHashMap<>();
  private Path guestDir;
  private int chainDepthBudget = 8;
  private long maxDowntimeMillis = 50;
  private String copyMode = "shared";
  private String memoryFreeze = "live";
  private boolean recordCutDigests = false;
  private Path pkiPath;
  private Map<String, Credentials> credentials = new LinkedHashMap<>();

  /**
   * libvirt: TLS client certificate, key and CA for every {@code qemu+tls} host without its own
   * (libvirt's {@code pkipath}: a directory with {@code cacert.pem}, {@code clientcert.pem} and
   * {@code clientkey.pem}); unset = libvirt's default locations.
   */
  public Path getPkiPath() {
    return pkiPath;
  }

  public void setPkiPath(Path pkiPath) {
    this.pkiPath = pkiPath;
  }

  /** libvirt: per host name, how to authenticate to its libvirtd (SASL user + password, TLS pkipath). */
  public Map<String, Credentials> getCredentials() {
    return credentials;
  }

  public void setCredentials(Map<String, Credentials> credentials) {
    this.credentials = credentials;
  }

  /**
   * {@code hotclone.hypervisor.credentials.<host>.*}: SASL {@code username} with the password in
   * {@code password-file} (e.g. a Docker secret) or in the environment variable named by {@code
   * password-env}; {@code pki-path} overrides the global one for this host. The password itself is
   * never a property: it is read when a connection opens.
   */
  public static class Credentials {
    private String username;
    private Path passwordFile;
    private String passwordEnv;
    private Path pkiPath;

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public Path getPasswordFile() {
      return passwordFile;
    }

    public void setPasswordFile(Path passwordFile) {
      this.passwordFile = passwordFile;
    }

    public String getPasswordEnv() {
      return passwordEnv;
    }

    public void setPasswordEnv(String passwordEnv) {
      this.passwordEnv = passwordEnv;
    }

    public Path getPkiPath() {
      return pkiPath;
    }

    public void setPkiPath(Path pkiPath) {
      this.pkiPath = pkiPath;
    }
  }

  /**
   * embedded: record SHA-256 digests of memory and disk at every cut and at every clone's start, so
   * tests can prove the clone equals the source at the cut (costs a pass over both per clone).
   */
  public boolean isRecordCutDigests() {
    return recordCutDigests;
  }

  public void setRecordCutDigests(boolean recordCutDigests) {
    this.recordCutDigests = recordCutDigests;
  }

  /**
   * libvirt: how the frozen memory image reaches the target: {@code shared} (copied inside the
   * shared storage every host sees) or {@code stream} (libvirt volume streams, for hosts that share
   * no storage).
   */
  public String getCopyMode() {
    return copyMode;
  }

  public void setCopyMode(String copyMode) {
    this.copyMode = copyMode;
  }

  /**
   * libvirt: how the source's memory is frozen: {@code live} (the default: libvirt's live
   * memory+disk snapshot), {@code background} (QEMU's background-snapshot through the monitor
   * passthrough: pause for the disk cut, QEMU's setup and device state; needs userfaultfd for QEMU;
   * any connection) or {@code auto} (background wherever the source's QEMU accepts it, else live).
   * Not {@code auto} by default: on the hosts measured, QEMU 7.2's background snapshot populates
   * every guest page while the guest is stopped, which made its pause longer than the live
   * snapshot's for a source frozen more than once and for large guests (README, Figures).
   */
  public String getMemoryFreeze() {
    return memoryFreeze;
  }

  public void setMemoryFreeze(String memoryFreeze) {
    this.memoryFreeze = memoryFreeze;
  }

  /** libvirt: a host-local directory per host (memory images, logs); default storage-dir/hosts/name. */
  public Map<String, Path> getHostDirs() {
    return hostDirs;
  }

  public void setHostDirs(Map<String, Path> hostDirs) {
    this.hostDirs = hostDirs;
  }

  /** libvirt: kernel + initrd of the test guest {@code createVm} boots; unset = createVm unsupported. */
  public Path getGuestDir() {
    return guestDir;
  }

  public void setGuestDir(Path guestDir) {
    this.guestDir = guestDir;
  }

  /** libvirt: longest backing chain a source keeps before it is flattened by a block pull. */
  public int getChainDepthBudget() {
    return chainDepthBudget;
  }

  public void setChainDepthBudget(int chainDepthBudget) {
    this.chainDepthBudget = chainDepthBudget;
  }

  /** libvirt: QEMU downtime limit for the live snapshot (bounds the source's pause). */
  public long getMaxDowntimeMillis() {
    return maxDowntimeMillis;
  }

  public void setMaxDowntimeMillis(long maxDowntimeMillis) {
    this.maxDowntimeMillis = maxDowntimeMillis;
  }

  public String getDriver() {
    return driver;
  }

  public void setDriver(String driver) {
    this.driver = driver;
  }

  public Map<String, String> getHosts() {
    return hosts;
  }

  public void setHosts(Map<String, String> hosts) {
    this.hosts = hosts;
  }

  public Path getStorageDir() {
    return storageDir;
  }

  public void setStorageDir(Path storageDir) {
    this.storageDir = storageDir;
  }

  public long getGuestTickMillis() {
    return guestTickMillis;
  }

  public void setGuestTickMillis(long guestTickMillis) {
    this.guestTickMillis = guestTickMillis;
  }
}
