package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PrimitiveIterator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The broker's client and controller listeners never get the same port. */
class LocalKafkaPortsTest {

  @Test
  void aGivenClientPortThatIsFreeAgainIsNotTakenAsTheControllerPort() {
    // the caller probed 45401 and released it, so the system offers it again first
    PrimitiveIterator.OfInt offered = IntStream.of(45401, 45402).iterator();

    int[] ports = LocalKafka.ports(45401, offered::nextInt);

    assertThat(ports).containsExactly(45401, 45402);
  }

  @Test
  void twoFreePortsPickedTogetherDiffer() {
    for (int i = 0; i < 200; i++) {
      int[] ports = LocalKafka.ports(0);
      assertThat(ports[0]).isPositive().isNotEqualTo(ports[1]);
      assertThat(ports[1]).isPositive();
    }
  }
}
