package io.hotclone.api.web;

import io.hotclone.api.domain.DnsLabels;
import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.security.ApiKeys;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Callers;
import io.hotclone.api.security.Scopes;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys for autoscaling hooks (scope {@code keys:write}): {@code POST /api/v1/api-keys} {@code
 * {"scopes": [...], "subject"?, "tenant"?}} makes a key of the caller's tenant (an admin may name
 * another) and answers 201 with the key, shown this once; a caller cannot grant a scope it lacks.
 * {@code DELETE /api/v1/api-keys/{id}} revokes one (204; another tenant's or unknown: 404).
 */
@RestController
@RequestMapping("/api/v1/api-keys")
public class ApiKeyController {

  /** Body of {@code POST /api/v1/api-keys}. */
  public record CreateKeyBody(List<String> scopes, String subject, String tenant) {}

  /** A key just made. {@code key} is the secret: it is never shown again. */
  public record KeyView(String id, String key, String tenant, String subject, Set<String> scopes) {}

  private final ApiKeys keys;

  public ApiKeyController(ApiKeys keys) {
    this.keys = keys;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<KeyView> create(@RequestBody CreateKeyBody body) {
    Caller caller = Callers.current();
    if (body.scopes() == null || body.scopes().isEmpty()) {
      throw new RequestRejected("scopes", "required", "scopes is required");
    }
    Set<String> scopes = new LinkedHashSet<>(body.scopes());
    for (String s : scopes) {
      if (!Scopes.ALL.contains(s)) {
        throw new RequestRejected("scopes", "unknown-scope", "unknown scope " + ApiProblem.quote(s) + "; known: " + Scopes.ALL);
      }
      if (!caller.scopes().contains(s)) {
        throw new RequestRejected("scopes", "scope-not-held", "cannot grant scope " + ApiProblem.quote(s) + " the caller lacks");
      }
    }
    String tenant = body.tenant() == null ? caller.tenant() : DnsLabels.require("tenant", body.tenant());
    if (!caller.sees(tenant)) {
      throw new RequestRejected("tenant", "not-own-tenant", "only an admin makes keys of another tenant");
    }
    String subject = body.subject() == null ? null : DnsLabels.require("subject", body.subject());
    ApiKeys.Issued issued = keys.create(tenant, subject, scopes);
    return ResponseEntity.created(URI.create("/api/v1/api-keys/" + issued.id()))
        .body(new KeyView(issued.id(), issued.key(), tenant, subject == null ? "apikey:" + issued.id() : subject, scopes));
  }

  @DeleteMapping("/{id}")
  public ResponseEntity<Void> revoke(@PathVariable String id) {
    Caller caller = Callers.current();
    if (!keys.revoke(id, caller.tenantFilter())) {
      throw ApiProblem.notFound("api-key-not-found", "no API key " + ApiProblem.quote(id));
    }
    return ResponseEntity.noContent().build();
  }
}
