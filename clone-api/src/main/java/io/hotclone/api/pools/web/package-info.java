/**
 * The pool endpoints under {@code /api/v1/pools} (scopes {@code pools:read} for GET, {@code
 * pools:write} otherwise): create, list (cursor-paged), show, resize, the {@code scale} shape
 * ({@code replicas} = {@code minReady}), delete (drain) and claims.
 */
package io.hotclone.api.pools.web;
