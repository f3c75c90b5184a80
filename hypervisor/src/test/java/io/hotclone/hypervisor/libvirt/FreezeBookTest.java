package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The freeze leases kept in a source domain's metadata: transitions and the metadata round trip. */
class FreezeBookTest {
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
  private final UUID clone = UUID.randomUUID();

  @Test
  void givenAStorageFreeze_whenItsDeadlinePasses_thenItIsDueAndAfterExpiryLaterStepsSeeLeaseExpired() {
    FreezeBook book = FreezeBook.empty().holdStorage(OperationId.of(clone, "freeze-storage"), Duration.ofSeconds(30), t0);
    assertThat(book.due(t0.plusSeconds(30))).isEmpty();
    assertThat(book.due(t0.plusSeconds(31))).extracting(FreezeBook.Entry::cloneId).containsExactly(clone);

    FreezeBook expired = book.expire(clone, t0.plusSeconds(31));

    assertThat(expired.due(t0.plusSeconds(40))).as("an expired lease is thawed once").isEmpty();
    assertThatThrownBy(() -> expired.holdMemory(OperationId.of(clone, "freeze-memory"), "vm", Duration.ofSeconds(30), t0.plusSeconds(32)))
        .isInstanceOf(HypervisorException.LeaseExpired.class);
    assertThatThrownBy(() -> expired.holdStorage(OperationId.of(clone, "freeze-storage"), Duration.ofSeconds(30), t0.plusSeconds(32)))
        .as("a repeated storage freeze of an expired clone does not freeze again")
        .isInstanceOf(HypervisorException.LeaseExpired.class);
  }

  @Test
  void givenNoStorageFreeze_whenMemoryIsFrozen_thenNotFrozen() {
    assertThatThrownBy(() -> FreezeBook.empty().holdMemory(OperationId.of(clone, "freeze-memory"), "vm", Duration.ofSeconds(5), t0))
        .isInstanceOf(HypervisorException.NotFrozen.class);
  }

  @Test
  void givenTheSagaThaws_whenTheDeadlinePasses_thenNothingIsDueAndTheTombstoneRefusesARefreeze() {
    FreezeBook book =
        FreezeBook.empty()
            .holdStorage(OperationId.of(clone, "s"), Duration.ofSeconds(5), t0)
            .holdMemory(OperationId.of(clone, "m"), "vm", Duration.ofSeconds(5), t0)
            .releaseMemory(clone, t0.plusSeconds(1));
    assertThat(book.find(clone).orElseThrow().held()).as("storage still frozen").isTrue();
    book = book.releaseStorage(clone, t0.plusSeconds(2));

    assertThat(book.due(t0.plusSeconds(60))).isEmpty();
    FreezeBook ended = book;
    assertThatThrownBy(() -> ended.holdStorage(OperationId.of(clone, "s"), Duration.ofSeconds(5), t0.plusSeconds(3)))
        .isInstanceOf(HypervisorException.LeaseExpired.class);
    assertThat(book.pruned(t0.plusSeconds(2).plus(FreezeBook.TOMBSTONE_TTL).plusSeconds(1)).isEmpty())
        .as("tombstones go after their TTL")
        .isTrue();
  }

  @Test
  void givenTwoClonesLeases_whenWrittenAsMetadataAndReadBackFromDomainXml_thenTheyAreEqual() {
    UUID other = UUID.randomUUID();
    FreezeBook book =
        FreezeBook.empty()
            .holdStorage(OperationId.of(clone, "s"), Duration.ofSeconds(5), t0)
            .holdMemory(OperationId.of(clone, "m"), "vm", Duration.ofSeconds(9), t0)
            .cut(OperationId.of(clone, "m"), new FreezeBook.Cut(t0.plusMillis(700), 52_000_000L))
            .holdStorage(OperationId.of(other, "s"), Duration.ofSeconds(5), t0)
            .expire(other, t0.plusSeconds(6));
    // libvirt stores the element under the namespace and prefix it was given
    String metadata = book.toMetadata().replace("<freezes>", "<hcf:freezes xmlns:hcf='" + FreezeBook.NS + "'>")
        .replace("</freezes>", "</hcf:freezes>").replace("<freeze ", "<hcf:freeze ");
    String domain = "<domain><name>x</name><metadata>" + metadata + "</metadata></domain>";

    assertThat(FreezeBook.of(DomainXml.parse(domain))).isEqualTo(book);
    assertThat(FreezeBook.of(DomainXml.parse(domain)).find(clone).orElseThrow().cut())
        .as("a resumed memory freeze reports the cut its first attempt took")
        .isEqualTo(new FreezeBook.Cut(t0.plusMillis(700), 52_000_000L));
    assertThat(book.releaseMemory(clone, t0.plusSeconds(1)).find(clone).orElseThrow().cut()).as("kept by later transitions").isNotNull();
    assertThat(FreezeBook.empty().toMetadata()).as("an empty book removes the element").isNull();
  }
}
