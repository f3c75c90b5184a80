package io.hotclone.devstack;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared {@link TestStack} when the test session of this JVM ends (registered in {@code
 * META-INF/services}): services before their Kafka and PostgreSQL, in order, rather than in the
 * JVM's shutdown hooks, which run side by side — there Testcontainers stopped the containers while
 * the services still used them, and the fork outlived its 30 s exit allowance.
 */
public final class TestStackSession implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    TestStack.close();
  }
}
