package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.ConnectAuth.CredentialType;
import org.libvirt.jna.virConnectCredential;

/**
 * The callback as libvirt calls it: an array of {@code virConnectCredential} in native memory, each
 * answer left in memory from {@code malloc} for libvirt to free.
 */
class SaslCallbackTest {
  @TempDir Path dir;

  @Test
  void answers_authname_and_passphrase_in_malloc_memory_libvirt_frees() throws Exception {
    Path file = dir.resolve("password");
    Files.writeString(file, "pässword\n");
    SaslCallback callback = new SaslCallback(HostAuth.sasl("alice", file), k -> null);
    assertThat(callback.credType).contains(CredentialType.VIR_CRED_AUTHNAME, CredentialType.VIR_CRED_PASSPHRASE);

    SaslCallback.NativeCredential[] creds = nativeCredentials(CredentialType.VIR_CRED_AUTHNAME, CredentialType.VIR_CRED_PASSPHRASE);
    int rc = callback.authCallback(asLibvirtJava(creds), creds.length, null);

    assertThat(rc).isZero();
    assertThat(callback.failure()).isNull();
    Pointer name = creds[0].resultInMemory();
    Pointer pass = creds[1].resultInMemory();
    assertThat(name.getString(0, "UTF-8")).isEqualTo("alice");
    assertThat(pass.getString(0, "UTF-8")).isEqualTo("pässword");
    assertThat(creds[1].resultLengthInMemory()).as("length in bytes").isEqualTo(9);
    Native.free(Pointer.nativeValue(name)); // what libvirt does: the memory is plain malloc memory
    Native.free(Pointer.nativeValue(pass));
  }

  @Test
  void an_unreadable_password_fails_the_exchange_with_a_reason_and_leaves_nothing_to_free() {
    Path missing = dir.resolve("missing");
    SaslCallback callback = new SaslCallback(HostAuth.sasl("alice", missing), k -> null);
    SaslCallback.NativeCredential[] creds = nativeCredentials(CredentialType.VIR_CRED_AUTHNAME, CredentialType.VIR_CRED_PASSPHRASE);

    assertThat(callback.authCallback(asLibvirtJava(creds), creds.length, null)).isEqualTo(-1);

    assertThat(callback.failure()).startsWith("cannot read the SASL password: ").contains(missing.toString());
    for (SaslCallback.NativeCredential c : creds) {
      assertThat(c.resultInMemory()).isNull();
    }
  }

  @Test
  void a_credential_it_has_no_answer_for_fails_the_exchange() throws Exception {
    Path file = dir.resolve("password");
    Files.writeString(file, "pw");
    SaslCallback callback = new SaslCallback(HostAuth.sasl("alice", file), k -> null);
    SaslCallback.NativeCredential[] creds = nativeCredentials(CredentialType.VIR_CRED_AUTHNAME, CredentialType.VIR_CRED_REALM);
    assertThat(callback.authCallback(asLibvirtJava(creds), creds.length, null)).isEqualTo(-1);
    assertThat(callback.failure()).contains("not configured");
  }

  private static SaslCallback.NativeCredential[] nativeCredentials(CredentialType... types) {
    SaslCallback.NativeCredential first = new SaslCallback.NativeCredential();
    SaslCallback.NativeCredential[] all = (SaslCallback.NativeCredential[]) first.toArray(types.length);
    for (int i = 0; i < types.length; i++) {
      all[i].type = types[i].mapToInt();
      all[i].write();
    }
    return all;
  }

  /** The first element as libvirt-java's JNA binding hands it to the callback (read from native memory). */
  private static virConnectCredential asLibvirtJava(SaslCallback.NativeCredential[] creds) {
    virConnectCredential c = com.sun.jna.Structure.newInstance(virConnectCredential.class, creds[0].getPointer());
    c.read();
    return c;
  }

}
