package io.hotclone.api.web;

/** OpenAPI texts shared by the paged lists and the ETagged resources (see {@link CursorPages}, {@link ResourceETags}). */
public final class ApiDocs {

  public static final String LIMIT = "Items per page: " + CursorPages.DEFAULT_LIMIT + " by default, 1 to "
      + CursorPages.MAX_LIMIT + " (otherwise 422 limit-out-of-range).";
  public static final String CURSOR = "Opaque cursor from the previous page's Link rel=\"next\"; absent: the first page."
      + " A malformed or altered one is 400 invalid-cursor.";
  public static final String LABEL = "Only items carrying this label, as key=value; repeat for several (all must match)."
      + " A malformed one is 422 (field label).";
  public static final String LINK = "<next page>; rel=\"next\" (RFC 8288) when there is a next page: the same request"
      + " with the cursor of this page's last item; absent on the last page.";
  public static final String ETAG = "Strong entity tag of this representation (a hash of its JSON); it changes whenever"
      + " the representation does.";
  public static final String IF_NONE_MATCH = "An ETag seen before: if it is still current the answer is 304 with no body.";

  private ApiDocs() {}
}
