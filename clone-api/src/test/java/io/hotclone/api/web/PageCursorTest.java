package io.hotclone.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageCursorTest {

  private static ApiProblem problem(Runnable r) {
    try {
      r.run();
    } catch (ApiProblem p) {
      return p;
    }
    throw new AssertionError("no problem");
  }

  @Test
  void a_cursor_decodes_to_the_key_it_was_made_of_and_is_url_safe() {
    List<String> key = List.of("2026-12-07T14:00:00.123456Z", "6f1c5a2e-0000-4000-8000-000000000001");
    String cursor = PageCursor.encode("clones", key);
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
    assertThat(PageCursor.decode("clones", 2, cursor)).isEqualTo(key);
  }

  @Test
  void an_altered_cursor_is_400_invalid_cursor() {
    String cursor = PageCursor.encode("vms", List.of("vm-0042"));
    byte[] raw = Base64.getUrlDecoder().decode(cursor);
    raw[raw.length - 12] ^= 1; // a bit of the key
    String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    ApiProblem p = problem(() -> PageCursor.decode("vms", 1, altered));
    assertThat(p.status().value()).isEqualTo(400);
    assertThat(p.code()).isEqualTo("invalid-cursor");
    assertThat(p.getMessage()).contains("checksum");
  }

  @Test
  void garbage_a_truncated_cursor_and_another_list_s_cursor_are_refused() {
    String vms = PageCursor.encode("vms", List.of("vm-1"));
    assertThat(problem(() -> PageCursor.decode("vms", 1, "!!not-base64!!")).getMessage()).contains("base64url");
    assertThat(problem(() -> PageCursor.decode("vms", 1, vms.substring(0, vms.length() - 3))).code())
        .isEqualTo("invalid-cursor");
    assertThat(problem(() -> PageCursor.decode("clones", 1, vms)).getMessage()).contains("another list");
    assertThat(problem(() -> PageCursor.decode("vms", 2, vms)).getMessage()).contains("1 key parts");
  }

  @Test
  void a_limit_is_1_to_the_maximum_and_defaults() {
    assertThat(CursorPages.request("vms", 1, null, null).limit()).isEqualTo(CursorPages.DEFAULT_LIMIT);
    assertThat(CursorPages.request("vms", 1, CursorPages.MAX_LIMIT, null).fetch()).isEqualTo(CursorPages.MAX_LIMIT + 1);
    assertThatThrownBy(() -> CursorPages.request("vms", 1, 0, null))
        .hasMessageContaining("limit must be between 1 and " + CursorPages.MAX_LIMIT);
    assertThatThrownBy(() -> CursorPages.request("vms", 1, CursorPages.MAX_LIMIT + 1, null))
        .isInstanceOf(io.hotclone.api.domain.RequestRejected.class);
  }
}
