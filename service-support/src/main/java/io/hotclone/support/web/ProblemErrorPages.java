package io.hotclone.support.web;

import org.apache.catalina.Context;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.TomcatContextCustomizer;

/**
 * Puts {@link ProblemReportValve} in place of Tomcat's HTML {@code ErrorReportValve} on the
 * service's host, before the server starts (the host adds the default valve only when no valve of
 * its configured class is present).
 */
public final class ProblemErrorPages implements TomcatContextCustomizer {
  @Override
  public void customize(Context context) {
    if (context.getParent() instanceof StandardHost host) {
      host.setErrorReportValveClass(ProblemReportValve.class.getName());
      host.getPipeline().addValve(new ProblemReportValve());
    }
  }
}
