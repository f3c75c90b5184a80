package io.hotclone.support.hypervisor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hotclone.hypervisor.*}: which driver, and the hosts as name → URI. For the embedded driver
 * the URI is informational ({@code embedded://host-a}); for libvirt it is the connection URI
 * ({@code qemu:///system}, {@code qemu+tcp://host/system}).
 */
@ConfigurationProperties("hotclone.hypervisor")
public class HypervisorProperties {

  private String driver = "embedded";
  private Map<String, String> hosts = new LinkedHashMap<>();
  private Path storageDir = Path.of("target", "hotclone-storage");
  private long guestTickMillis = 5;

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
