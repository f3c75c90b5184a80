package io.hotclone.api.web;

import java.util.stream.Collectors;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What exactly is wrong with a request body that could not be read, as a problem {@code code}, the
 * offending {@code field} (a JSON path such as {@code names[2]}, or {@code null}) and a detail that
 * names it: {@code missing-body}, {@code malformed-json}, {@code unknown-field}, {@code
 * number-out-of-range} (a number too large for its type), {@code wrong-type} (a string, fraction,
 * boolean, array or object where something else is expected: no coercion).
 */
record JsonProblems(String code, String field, String detail) {

  static JsonProblems of(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return new JsonProblems("missing-body", null, "a JSON request body is required");
    }
    if (cause instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      return new JsonProblems("unknown-field", field, "unknown field " + ApiProblem.quote(field)
          + "; known fields: " + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")));
    }
    if (cause instanceof InputCoercionException) {
      return new JsonProblems("number-out-of-range", null, "a number is out of range of its field's type");
    }
    if (cause instanceof MismatchedInputException && cause.getMessage() != null
        && cause.getMessage().contains("Trailing token")) {
      return new JsonProblems("malformed-json", null, "the body has content after its JSON value");
    }
    if (cause instanceof InvalidFormatException || cause instanceof MismatchedInputException) {
      JacksonException j = (JacksonException) cause;
      String field = path(j);
      if (field.isEmpty() && cause.getMessage() != null && cause.getMessage().contains("end-of-input")) {
        return new JsonProblems("missing-body", null, "a JSON request body is required");
      }
      String expected = cause instanceof MismatchedInputException m && m.getTargetType() != null
          ? m.getTargetType().getSimpleName() : "another type";
      return new JsonProblems("wrong-type", field.isEmpty() ? null : field,
          (field.isEmpty() ? "the body" : "field " + ApiProblem.quote(field)) + " must be "
              + article(expected) + " (no coercion from other JSON types)");
    }
    if (cause instanceof StreamReadException) {
      return new JsonProblems("malformed-json", null, "the body is not well-formed JSON: "
          + firstLine(((StreamReadException) cause).getOriginalMessage()));
    }
    return new JsonProblems("unreadable-body", null, "the request body could not be read");
  }

  private static String path(JacksonException e) {
    StringBuilder b = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String article(String type) {
    return switch (type) {
      case "Integer", "int" -> "an integer";
      case "Long", "long" -> "an integer";
      case "String" -> "a string";
      case "List" -> "an array";
      default -> "a JSON value of type " + type;
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
