package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LibvirtUrisTest {
  private static final Path PKI = Path.of("/etc/hotclone/pki");

  @Test
  void tls_is_the_tls_transport_or_a_remote_uri_without_one() {
    assertThat(LibvirtUris.isTls("qemu+tls://host-b/system")).isTrue();
    assertThat(LibvirtUris.isTls("QEMU+TLS://host-b:16514/system?no_verify=0")).isTrue();
    assertThat(LibvirtUris.isTls("qemu://host-b/system")).as("libvirt's default transport for a named host").isTrue();
    assertThat(LibvirtUris.isTls("qemu:///system")).isFalse();
    assertThat(LibvirtUris.isTls("qemu+tcp://host-b/system")).isFalse();
    assertThat(LibvirtUris.isTls("qemu+ssh://root@host-b/system")).isFalse();
    assertThat(LibvirtUris.isTls("qemu+unix:///system")).isFalse();
    assertThat(LibvirtUris.isTls("test:///default")).isFalse();
  }

  @Test
  void pkipath_is_appended_to_a_tls_uri_that_names_none() {
    assertThat(LibvirtUris.withPkiPath("qemu+tls://10.0.0.2/system", PKI))
        .isEqualTo("qemu+tls://10.0.0.2/system?pkipath=/etc/hotclone/pki");
    assertThat(LibvirtUris.withPkiPath("qemu+tls://10.0.0.2/system?keepalive_interval=5", PKI))
        .isEqualTo("qemu+tls://10.0.0.2/system?keepalive_interval=5&pkipath=/etc/hotclone/pki");
    assertThat(LibvirtUris.withPkiPath("qemu+tls://10.0.0.2/system?pkipath=/mine", PKI))
        .as("the URI's own pkipath wins").isEqualTo("qemu+tls://10.0.0.2/system?pkipath=/mine");
    assertThat(LibvirtUris.withPkiPath("qemu+tcp://10.0.0.2/system", PKI)).as("not TLS: unchanged").isEqualTo("qemu+tcp://10.0.0.2/system");
    assertThat(LibvirtUris.withPkiPath("qemu:///system", PKI)).isEqualTo("qemu:///system");
  }

  @Test
  void a_pkipath_with_reserved_characters_is_escaped_and_read_back() {
    String uri = LibvirtUris.withPkiPath("qemu+tls://h/system", Path.of("/srv/pki dir/a&b+c"));
    assertThat(uri).isEqualTo("qemu+tls://h/system?pkipath=/srv/pki%20dir/a%26b%2Bc");
    assertThat(LibvirtUris.pkiPath(uri)).contains(Path.of("/srv/pki dir/a&b+c"));
    assertThat(LibvirtUris.pkiPath("qemu+tls://h/system?no_tty=1")).isEmpty();
  }
}
