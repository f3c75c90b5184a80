package io.hotclone.api.portal;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The portal's files, the only paths besides health that answer without credentials (a {@code GET}
 * of a static file holds no tenant data: everything the page shows comes from API calls that carry
 * the user's credential), and the redirect of {@code /portal} and {@code /portal/} to the page.
 */
@Configuration(proxyBeanMethods = false)
public class PortalPages implements WebMvcConfigurer {

  /** The page itself. */
  public static final String PAGE = "/portal/index.html";

  /** Every path of the portal that is served without credentials, and only for {@code GET}. */
  public static final String[] PUBLIC_PATHS = {
    "/portal", "/portal/", PAGE, "/portal/portal.js", "/portal/portal.css"
  };

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/portal", PAGE);
    registry.addRedirectViewController("/portal/", PAGE);
  }
}
