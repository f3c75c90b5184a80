package io.hotclone.hypervisor;

import java.util.List;

/**
 * Named points inside a driver operation where a crash matters, for crash-window tests: the
 * service hands the driver its halt switch, and the driver calls {@link #reach} at each point.
 * Production drivers get {@link #NONE}. The names are part of the test contract (a test halts a
 * process at one, kills it, and checks that a later attempt converges).
 */
@FunctionalInterface
public interface FaultPoints {
  /** The clone domain restored (paused) on its host; its links not yet down. */
  String START_RESTORED = "start-restored";
  /** The restored clone's links are down; the guest not yet resumed. */
  String START_LINKS_DOWN = "start-links-down";
  /** The clone's guest runs (links down); its identity not yet applied. */
  String START_RESUMED = "start-resumed";
  /** The identity report recorded (links as the policy says); the state image not yet deleted. */
  String START_IDENTIFIED = "start-identified";

  /** Every point a driver reaches, in the order a clone start passes them. */
  List<String> ALL = List.of(START_RESTORED, START_LINKS_DOWN, START_RESUMED, START_IDENTIFIED);

  FaultPoints NONE = point -> {};

  /** Called when the operation passes {@code point}; may block for good (the test then kills the process). */
  void reach(String point);
}
