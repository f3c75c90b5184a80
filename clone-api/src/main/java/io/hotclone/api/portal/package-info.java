/**
 * The portal page: static files under {@code static/portal/} (HTML, one script, one style sheet, no
 * build step) that use only the public REST API with the credential the user types in. This package
 * says which files those are, so that exactly they are served without credentials, and sends {@code
 * /portal} to the page.
 */
package io.hotclone.api.portal;
