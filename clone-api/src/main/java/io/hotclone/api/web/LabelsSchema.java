package io.hotclone.api.web;

/** The OpenAPI description of a {@code labels} member (request bodies and views). */
final class LabelsSchema {

  static final String DESCRIPTION =
      "Labels {\"key\": \"value\"}: at most 32; a key is an optional DNS-subdomain prefix (<= 253 chars) and '/',"
          + " then a name of 1 to 63 chars [a-z0-9]([-a-z0-9]*[a-z0-9])?; a value is 0 to 63 chars"
          + " [a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?. A violation is 422 with field labels.<key>."
          + " A clone's labels are its source VM's overlaid with its clone request's.";
  static final String EXAMPLE = "{\"team\": \"billing\", \"example.com/env\": \"prod\"}";

  private LabelsSchema() {}
}
