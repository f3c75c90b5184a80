package io.hotclone.cli;

/** A failed API call: the exit code it maps to and a one-line message (the problem's detail). */
final class ApiException extends RuntimeException {

  private final int exitCode;

  ApiException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
