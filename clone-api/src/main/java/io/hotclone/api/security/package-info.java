/**
 * Who may call the API: authentication by API key ({@code X-API-Key}, stored hashed, revocable,
 * scoped, of one tenant) or by OAuth2 JWT bearer token (issuer and key from configuration), the
 * {@link io.hotclone.api.security.Caller} every request acts as (subject, tenant, key id, scopes),
 * scope rules per endpoint, tenant rules (which hosts a tenant may use), 401/403 as RFC 9457
 * problem details, and the development credentials devstack and the cluster script start with.
 */
package io.hotclone.api.security;
