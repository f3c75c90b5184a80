package io.hotclone.hypervisor.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.libvirt.ConnectAuth;
import org.libvirt.jna.virConnectCredential;

/**
 * libvirt's authentication callback for one connection: answers the SASL user name and password
 * of a {@link HostAuth}.
 *
 * <p>Overrides {@link ConnectAuth#authCallback} because libvirt frees each credential's {@code
 * result} with {@code free()} after the exchange, while libvirt-java 0.5.2's version hands it a
 * string in memory JNA owns and frees again (a double free), and crashes on a credential it left
 * unanswered. Here each answer is copied into memory from {@code malloc} that libvirt takes over;
 * the password's Java bytes are zeroed right after, and the reason a password could not be read is
 * kept for the caller (libvirt only says it failed to collect the credentials).
 */
final class SaslCallback extends ConnectAuth {
  private final HostAuth auth;
  private final Function<String, String> env;
  private volatile String failure;

  SaslCallback(HostAuth auth, Function<String, String> env) {
    this.auth = auth;
    this.env = env;
    this.credType =
        new CredentialType[] {CredentialType.VIR_CRED_AUTHNAME, CredentialType.VIR_CRED_USERNAME, CredentialType.VIR_CRED_PASSPHRASE};
  }

  /** Why the last exchange could not answer, naming no secret; {@code null} if it could. */
  String failure() {
    return failure;
  }

  @Override
  public int authCallback(virConnectCredential cred, int ncred, Pointer cbdata) {
    // never let JNA write its Java copy of the first credential (result null) back over the answer
    cred.setAutoWrite(false);
    NativeCredential[] all = (NativeCredential[]) new NativeCredential(cred.getPointer()).toArray(ncred);
    byte[][] answers = new byte[ncred][];
    try {
      for (int i = 0; i < ncred; i++) {
        answers[i] = answer(all[i]);
        if (answers[i] == null) {
          failure = "libvirt asked for a credential of type " + all[i].type + ", which is not configured";
          return -1;
        }
      }
      for (int i = 0; i < ncred; i++) {
        all[i].result = copy(answers[i]);
        all[i].resultlen = answers[i].length;
        all[i].writeField("result");
        all[i].writeField("resultlen");
      }
      failure = null;
      return 0;
    } catch (IOException e) {
      failure = "cannot read the SASL password: " + e.getMessage();
      return -1;
    } finally {
      for (byte[] a : answers) {
        if (a != null) {
          Arrays.fill(a, (byte) 0);
        }
      }
    }
  }

  /** libvirt-java's own entry point, unused: {@link #authCallback} answers directly. */
  @Override
  public int callback(ConnectAuth.Credential[] cred) {
    return -1;
  }

  private byte[] answer(NativeCredential c) throws IOException {
    if (c.type == CredentialType.VIR_CRED_AUTHNAME.mapToInt() || c.type == CredentialType.VIR_CRED_USERNAME.mapToInt()) {
      return auth.username().getBytes(StandardCharsets.UTF_8);
    }
    if (c.type == CredentialType.VIR_CRED_PASSPHRASE.mapToInt()) {
      return auth.password(env);
    }
    if (c.defresult != null) {
      return c.defresult.getString(0).getBytes(StandardCharsets.UTF_8);
    }
    return null;
  }

  /** A NUL-terminated copy in memory from {@code malloc}, which libvirt frees. */
  private static Pointer copy(byte[] value) {
    long peer = Native.malloc(value.length + 1L);
    if (peer == 0) {
      throw new OutOfMemoryError("malloc for a libvirt credential");
    }
    Pointer p = new Pointer(peer);
    p.write(0, value, 0, value.length);
    p.setByte(value.length, (byte) 0);
    return p;
  }

  /** libvirt's {@code virConnectCredential}, with the result as a raw pointer. */
  public static final class NativeCredential extends Structure {
    public int type;
    public Pointer prompt;
    public Pointer challenge;
    public Pointer defresult;
    public Pointer result;
    public int resultlen;

    public NativeCredential() {}

    public NativeCredential(Pointer p) {
      super(p);
      read();
    }

    /** The result pointer as native memory holds it now. */
    Pointer resultInMemory() {
      return getPointer().getPointer(fieldOffset("result"));
    }

    int resultLengthInMemory() {
      return getPointer().getInt(fieldOffset("resultlen"));
    }

    @Override
    protected List<String> getFieldOrder() {
      return List.of("type", "prompt", "challenge", "defresult", "result", "resultlen");
    }
  }
}
