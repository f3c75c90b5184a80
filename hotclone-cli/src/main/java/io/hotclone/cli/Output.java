package io.hotclone.cli;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;

/** Prints an API answer: as JSON exactly as the API gave it, or as text lines. */
final class Output {

  /** {@code --output} values. */
  enum Format { text, json }

  private final Format format;
  private final PrintWriter out;

  Output(Format format, PrintWriter out) {
    this.format = format;
    this.out = out;
  }

  boolean json() {
    return format == Format.json;
  }

  void json(JsonNode node) {
    out.println(ApiClient.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
  }

  /** Text: {@code line} as given; JSON output prints nothing here. */
  void line(String line) {
    if (!json()) {
      out.println(line);
    }
  }

  /** Prints {@code node} as JSON, or each element as a text row of {@code fields} (tab-separated). */
  /** An object's members as {@code k=v,k=v} (labels). */
  private static String pairs(JsonNode object) {
    StringBuilder b = new StringBuilder();
    for (var e : object.properties()) {
      b.append(b.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asString());
    }
    return b.toString();
  }

  void rows(JsonNode node, String... fields) {
    if (json()) {
      json(node);
      return;
    }
    for (JsonNode row : node.isArray() ? node : ApiClient.JSON.createArrayNode().add(node)) {
      StringBuilder b = new StringBuilder();
      for (String f : fields) {
        if (!b.isEmpty()) {
          b.append('\t');
        }
        JsonNode v = row.path(f);
        b.append(v.isMissingNode() || v.isNull() || (v.isObject() && v.isEmpty()) ? "-" : v.isObject() ? pairs(v) : v.asString());
      }
      out.println(b);
    }
  }
}
