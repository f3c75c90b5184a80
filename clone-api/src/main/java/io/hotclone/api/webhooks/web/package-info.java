/**
 * The REST endpoints of webhooks, {@code /api/v1/webhooks}: register (the secret shown once), list,
 * show, delete, and each endpoint's delivery log; tenant-scoped like the rest of the API.
 */
package io.hotclone.api.webhooks.web;
