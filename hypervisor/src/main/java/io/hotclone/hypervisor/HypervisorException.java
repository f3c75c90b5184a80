package io.hotclone.hypervisor;

/** Every failure a driver reports. Callers switch on the subtype, never parse messages. */
public abstract sealed class HypervisorException extends RuntimeException
    permits HypervisorException.VmNotFound,
        HypervisorException.HostNotFound,
        HypervisorException.HostUnreachable,
        HypervisorException.VmNotRunning,
        HypervisorException.NotFrozen,
        HypervisorException.LeaseExpired,
        HypervisorException.IdentityConflict,
        HypervisorException.IdentityNotApplied,
        HypervisorException.CorruptImage,
        HypervisorException.Unsupported,
        HypervisorException.DriverFailure {

  protected HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Short machine-readable code, e.g. {@code vm-not-found}. */
  public abstract String code();

  public static final class VmNotFound extends HypervisorException {
    public VmNotFound(VmId vm) {
      super("VM not found: " + vm, null);
    }

    public String code() {
      return "vm-not-found";
    }
  }

  public static final class HostNotFound extends HypervisorException {
    public HostNotFound(HostName host) {
      super("host not found: " + host, null);
    }

    public String code() {
      return "host-not-found";
    }
  }

  public static final class HostUnreachable extends HypervisorException {
    private final HostName host;
    private final String reason;

    public HostUnreachable(HostName host, Throwable cause) {
      this(host, cause == null ? null : cause.getMessage(), cause);
    }

    /** With the reason in words (e.g. the credential the host refused), which must name no secret. */
    public HostUnreachable(HostName host, String reason, Throwable cause) {
      super("host unreachable: " + host + (reason == null ? "" : " (" + reason + ")"), cause);
      this.host = host;
      this.reason = reason;
    }

    public HostName host() {
      return host;
    }

    /** Why, or {@code null} if unknown. */
    public String reason() {
      return reason;
    }

    public String code() {
      return "host-unreachable";
    }
  }

  public static final class VmNotRunning extends HypervisorException {
    public VmNotRunning(VmId vm, VmState state) {
      super("VM " + vm + " is not running (" + state + ")", null);
    }

    public String code() {
      return "vm-not-running";
    }
  }

  /** A step needs a freeze that this clone id does not hold (never made, or already released). */
  public static final class NotFrozen extends HypervisorException {
    public NotFrozen(OperationId op, String what) {
      super(what + " is not frozen for " + op, null);
    }

    public String code() {
      return "not-frozen";
    }
  }

  /** The freeze lease ran out; the driver thawed the VM and the operation cannot go on. */
  public static final class LeaseExpired extends HypervisorException {
    public LeaseExpired(OperationId op) {
      super("freeze lease expired for " + op + "; the source was thawed", null);
    }

    public String code() {
      return "lease-expired";
    }
  }

  public static final class IdentityConflict extends HypervisorException {
    public IdentityConflict(String message) {
      super(message, null);
    }

    public String code() {
      return "identity-conflict";
    }
  }

  /**
   * The guest could not be given its identity (no guest agent, or a step the agent refused) and the
   * policy requires it ({@link IdentityPolicy#REQUIRE_AGENT}).
   */
  public static final class IdentityNotApplied extends HypervisorException {
    public IdentityNotApplied(String message) {
      super(message, null);
    }

    public String code() {
      return "identity-not-applied";
    }
  }

  /** An image failed its magic, version or checksum check. */
  public static final class CorruptImage extends HypervisorException {
    public CorruptImage(String message) {
      super(message, null);
    }

    public String code() {
      return "corrupt-image";
    }
  }

  public static final class Unsupported extends HypervisorException {
    public Unsupported(String message) {
      super(message, null);
    }

    public String code() {
      return "unsupported";
    }
  }

  /** Anything else the hypervisor said no to, with its own message. */
  public static final class DriverFailure extends HypervisorException {
    public DriverFailure(String message, Throwable cause) {
      super(message, cause);
    }

    public String code() {
      return "driver-failure";
    }
  }
}
