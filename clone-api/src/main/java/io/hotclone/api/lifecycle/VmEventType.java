package io.hotclone.api.lifecycle;

/** The VM lifecycle CloudEvents' types, and what each does to a billing meter. */
public enum VmEventType {
  CREATED("io.hotclone.vm.created", Meter.OPEN),
  CLONED("io.hotclone.vm.cloned", Meter.OPEN),
  DISCOVERED("io.hotclone.vm.discovered", Meter.OPEN),
  STATE_CHANGED("io.hotclone.vm.state-changed", Meter.NONE),
  /** A warm pool's ready clone was claimed: its principal is the new owner; the meter runs on. */
  CLAIMED("io.hotclone.vm.claimed", Meter.NONE),
  DELETED("io.hotclone.vm.deleted", Meter.CLOSE),
  GONE("io.hotclone.vm.gone", Meter.CLOSE);

  /** {@code data.meter} of each event: {@code open}, {@code close} or {@code none}. */
  public enum Meter {
    OPEN,
    CLOSE,
    NONE
  }

  private final String type;
  private final Meter meter;

  VmEventType(String type, Meter meter) {
    this.type = type;
    this.meter = meter;
  }

  /** The CloudEvents {@code type}. */
  public String type() {
    return type;
  }

  public Meter meter() {
    return meter;
  }

  public boolean opens() {
    return meter == Meter.OPEN;
  }

  public boolean closes() {
    return meter == Meter.CLOSE;
  }
}
