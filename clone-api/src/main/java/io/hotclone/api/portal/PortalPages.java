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

  /**
   * The Content-Security-Policy of the portal's responses: script, style and API calls from clone-api
   * itself only, no inline script, no framing. The page holds a credential in {@code
   * sessionStorage}; this keeps injected markup from running script that could read it.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
          + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/portal", PAGE);
    registry.addRedirectViewController("/portal/", PAGE);
  }
}
