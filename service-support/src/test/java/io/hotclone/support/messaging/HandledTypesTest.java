package io.hotclone.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The types each service's consumer lets through to its handlers, read from the saga table. */
class HandledTypesTest {

  @Test
  void each_step_service_acts_on_the_events_of_its_rows_and_on_clone_failed_when_it_compensates() {
    assertThat(HandledTypes.of("storage-service"))
        .contains(java.util.Set.of("CloneRequested", "MemoryUnfrozen", "CloneFailed"));
    assertThat(HandledTypes.of("memory-service"))
        .contains(java.util.Set.of("StorageFrozen", "StateCopied", "CloneFailed"));
    assertThat(HandledTypes.of("transfer-service"))
        .contains(java.util.Set.of("MemoryFrozen", "CloneFailed"));
    assertThat(HandledTypes.of("config-service"))
        .contains(java.util.Set.of("StorageUnfrozen", "CloneFailed"));
  }

  @Test
  void clone_api_and_a_name_outside_the_saga_get_every_event() {
    assertThat(HandledTypes.of("clone-api")).isEmpty();
    assertThat(HandledTypes.of("billing")).isEmpty();
    assertThat(HandledTypes.filter("clone-api").test("StorageFrozen")).isTrue();
    assertThat(HandledTypes.filter("billing").test("AnythingNew")).isTrue();
  }

  @Test
  void the_filter_of_a_step_service_refuses_the_other_services_events() {
    assertThat(HandledTypes.filter("transfer-service").test("MemoryFrozen")).isTrue();
    assertThat(HandledTypes.filter("transfer-service").test("StorageFrozen")).isFalse();
    assertThat(HandledTypes.filter("transfer-service").test("CloneCompleted")).isFalse();
  }
}
