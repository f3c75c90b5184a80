package io.hotclone.support.web;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatContextCustomizer;

/**
 * Puts {@link ProblemReportValve} in place of Tomcat's HTML {@code ErrorReportValve} on the
 * service's host. The context is customised before it is added to its host, and the host adds its
 * default valve when it starts, just before it starts the context: so the swap happens when the
 * context is about to start, once both exist.
 */
public final class ProblemErrorPages implements TomcatContextCustomizer {
  @Override
  public void customize(Context context) {
    context.addLifecycleListener(event -> {
      if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && context.getParent() instanceof StandardHost host) {
        install(host);
      }
    });
  }

  static void install(StandardHost host) {
    host.setErrorReportValveClass(ProblemReportValve.class.getName());
    Pipeline pipeline = host.getPipeline();
    boolean present = false;
    for (Valve valve : pipeline.getValves()) {
      if (valve instanceof ProblemReportValve) {
        present = true;
      } else if (valve instanceof ErrorReportValve) {
        pipeline.removeValve(valve);
      }
    }
    if (!present) {
      pipeline.addValve(new ProblemReportValve());
    }
  }
}
