package io.hotclone.cli;

/** The exit codes of {@code hotclone}; scripts branch on them (README, section CLI). */
public final class ExitCodes {

  /** The command did what it was asked (a clone asked with {@code --wait} COMPLETED). */
  public static final int OK = 0;
  /** The clone that was waited for or watched ended FAILED. */
  public static final int CLONE_FAILED = 1;
  /** The command line itself is wrong (unknown option, missing argument). */
  public static final int USAGE = 2;
  /** The API refused the request (400, 409, 413, 422, 429: the problem detail is printed). */
  public static final int REFUSED = 3;
  /** What was named does not exist (404) — or belongs to another tenant. */
  public static final int NOT_FOUND = 4;
  /** No or invalid credentials, or a missing scope (401, 403). */
  public static final int UNAUTHORIZED = 5;
  /** clone-api unreachable, a 5xx answer, or a wait that timed out. */
  public static final int UNAVAILABLE = 6;

  private ExitCodes() {}

  /** The exit code of an API answer with HTTP {@code status}. */
  static int ofStatus(int status) {
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status == 401 || status == 403) {
      return UNAUTHORIZED;
    }
    return status >= 500 ? UNAVAILABLE : REFUSED;
  }
}
