package io.hotclone.support.messaging;

import io.hotclone.hypervisor.HypervisorException;

/**
 * Why a saga step failed, as opposed to infrastructure trouble: thrown from a step's effect, it
 * makes the step compensate and emit {@code CloneFailed} with {@link #reason()}, never a retry.
 * A {@link HypervisorException} from an effect counts as {@link Hypervisor}.
 */
public abstract sealed class StepFailure extends RuntimeException
    permits StepFailure.Hypervisor, StepFailure.IdentityConflict, StepFailure.MissingInput, StepFailure.Unsupported {

  private final String code;

  private StepFailure(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The {@code reason} of the {@code CloneFailed} event: {@code code + ": " + message}. */
  public String reason() {
    return code + ": " + getMessage();
  }

  /** Short machine-readable code, e.g. {@code identity-conflict}. */
  public String code() {
    return code;
  }

  /** The failure an effect threw: a step failure as it is, a hypervisor failure wrapped. */
  static StepFailure of(RuntimeException e) {
    return e instanceof StepFailure f ? f : new Hypervisor((HypervisorException) e);
  }

  /** The hypervisor refused or failed; the reason is the driver's code and message. */
  public static final class Hypervisor extends StepFailure {
    public Hypervisor(HypervisorException cause) {
      super(cause.code(), cause.getMessage(), cause);
    }

    public HypervisorException hypervisorException() {
      return (HypervisorException) getCause();
    }
  }

  /** No identity unique among live VMs could be had (a name in use, an exhausted IP pool). */
  public static final class IdentityConflict extends StepFailure {
    public IdentityConflict(String message) {
      super("identity-conflict", message, null);
    }
  }

  /** The event the step reacts to lacks something the step needs (e.g. no image for a clone). */
  public static final class MissingInput extends StepFailure {
    public MissingInput(String message) {
      super("missing-input", message, null);
    }
  }

  /** The request asks for something this deployment does not do (e.g. an unknown policy). */
  public static final class Unsupported extends StepFailure {
    public Unsupported(String message) {
      super("unsupported", message, null);
    }
  }
}
