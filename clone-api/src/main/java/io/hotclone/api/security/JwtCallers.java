package io.hotclone.api.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * A validated JWT as a {@link Caller}: {@code sub} is the subject, the {@code tenant} claim the
 * tenant (required unless the token holds {@link Scopes#ADMIN}), {@code scope} (space-separated)
 * or {@code scp} (list) the scopes. A token without a tenant is refused (401).
 */
public final class JwtCallers implements Converter<Jwt, AbstractAuthenticationToken> {

  public static final String TENANT_CLAIM = "tenant";

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = jwt.getClaims().get("scope");
    if (scope instanceof String s && !s.isBlank()) {
      scopes.addAll(ApiKeys.scopes(s));
    }
    Object scp = jwt.getClaims().get("scp");
    if (scp instanceof Collection<?> list) {
      list.forEach(v -> scopes.add(String.valueOf(v)));
    }
    String tenant = jwt.getClaimAsString(TENANT_CLAIM);
    if (tenant == null || tenant.isBlank()) {
      if (!scopes.contains(Scopes.ADMIN)) {
        throw new InvalidBearerTokenException("the token has no '" + TENANT_CLAIM + "' claim");
      }
      tenant = "*";
    }
    if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
      throw new InvalidBearerTokenException("the token has no subject");
    }
    return new CallerAuthentication(new Caller(jwt.getSubject(), tenant, null, scopes));
  }
}
