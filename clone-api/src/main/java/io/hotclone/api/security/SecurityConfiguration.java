package io.hotclone.api.security;

import io.hotclone.api.portal.PortalPages;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpMethod;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The filter chain: stateless, no sessions or CSRF (no cookies are used); {@code /actuator/health}
 * and a {@code GET} of the portal's static files ({@link PortalPages#PUBLIC_PATHS}, served with {@link
 * PortalPages#CONTENT_SECURITY_POLICY}) and of the OpenAPI document and Swagger UI ({@link
 * #OPENAPI_PATHS}) open, every other request authenticated by {@code X-API-Key} ({@link ApiKeyFilter}) or, when a
 * JWT issuer is configured, an {@code Authorization: Bearer} token; then the scope of {@link
 * RequiredScopes}. 401 and 403 are problem details ({@link ProblemResponses}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

  /** The OpenAPI document (springdoc) and Swagger UI's page, files and configuration. */
  static final String[] OPENAPI_PATHS = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"};

  @Bean
  SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, SecurityProperties properties) throws Exception {
    ProblemResponses problems = new ProblemResponses();
    http.csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .headers(h -> h.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
            PathPatternRequestMatcher.withDefaults().matcher("/portal/**"),
            new StaticHeadersWriter("Content-Security-Policy", PortalPages.CONTENT_SECURITY_POLICY))))
        .addFilterBefore(new ApiKeyFilter(keys), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(a -> a
            // an error page or an async (SSE) dispatch belongs to a request authorized already
            .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
            .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
            // the portal's static files only; the API calls the page makes carry the user's credential
            .requestMatchers(HttpMethod.GET, PortalPages.PUBLIC_PATHS).permitAll()
            // the OpenAPI document and Swagger UI describe the API and hold no data; the calls
            // "Try it out" makes carry the key given to its Authorize button
            .requestMatchers(HttpMethod.GET, OPENAPI_PATHS).permitAll()
            .anyRequest().access(scopeRule()));
    Optional<JwtDecoder> jwt = decoder(properties);
    if (jwt.isPresent()) {
      http.oauth2ResourceServer(o -> o
          .authenticationEntryPoint(problems)
          .accessDeniedHandler(problems)
          .jwt(j -> j.decoder(jwt.get()).jwtAuthenticationConverter(new JwtCallers())));
    }
    return http.build();
  }

  @Bean
  @ConditionalOnProperty("hotclone.security.dev-dir")
  DevCredentials devCredentials(SecurityProperties properties, ApiKeys keys) {
    return new DevCredentials(properties.devDir(), properties.devTenants(), keys);
  }

  /** The operator's first credential, from a file (a Docker secret): see {@link BootstrapAdminKey}. */
  @Bean
  @ConditionalOnProperty(BootstrapAdminKey.PROPERTY)
  BootstrapAdminKey bootstrapAdminKey(@Value("${" + BootstrapAdminKey.PROPERTY + "}") String file, ApiKeys keys) {
    return new BootstrapAdminKey(file.isBlank() ? null : Path.of(file), keys);
  }

  /** Authenticated as a {@link Caller}, and holding the scope the endpoint needs (if any). */
  static AuthorizationManager<RequestAuthorizationContext> scopeRule() {
    return (authentication, context) -> {
      Authentication auth = authentication.get();
      if (!(auth instanceof CallerAuthentication caller)) {
        return new AuthorizationDecision(false);
      }
      String scope = RequiredScopes.of(context.getRequest().getMethod(), context.getRequest().getRequestURI());
      return new AuthorizationDecision(scope == null || caller.getPrincipal().scopes().contains(scope));
    };
  }

  /**
   * The JWT decoder: from {@code jwt.jwk-set-uri}, else {@code jwt.public-key-location}, else the
   * development key pair of {@code dev-dir}; tokens must carry {@code jwt.issuer} (the development
   * issuer by default in development). Empty: no JWTs accepted.
   */
  static Optional<JwtDecoder> decoder(SecurityProperties p) {
    SecurityProperties.Jwt cfg = p.jwt();
    String issuer = cfg.issuer() == null || cfg.issuer().isBlank() ? null : cfg.issuer();
    NimbusJwtDecoder decoder;
    if (cfg.jwkSetUri() != null && !cfg.jwkSetUri().isBlank()) {
      decoder = NimbusJwtDecoder.withJwkSetUri(cfg.jwkSetUri()).build();
    } else if (cfg.publicKeyLocation() != null && !cfg.publicKeyLocation().isBlank()) {
      Path pem = Path.of(cfg.publicKeyLocation().replaceFirst("^file:", ""));
      decoder = NimbusJwtDecoder.withPublicKey(DevKeyPair.readPublicKey(pem)).build();
    } else if (p.devDir() != null) {
      decoder = NimbusJwtDecoder.withPublicKey(DevKeyPair.in(p.devDir()).publicKey()).build();
      issuer = issuer == null ? DevKeyPair.ISSUER : issuer;
    } else {
      return Optional.empty();
    }
    decoder.setJwtValidator(issuer == null ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(issuer));
    return Optional.of(decoder);
  }
}
