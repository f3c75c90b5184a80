/**
 * What every service's embedded web server answers on its own, before a request reaches Spring:
 * errors Tomcat produces itself (an unparseable request, an oversized header) are RFC 9457
 * problem details like every other API error, never Tomcat's HTML error page.
 */
package io.hotclone.support.web;
