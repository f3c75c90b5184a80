package io.hotclone.config.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.config.ConfigProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpPoolTest {

  @Test
  void givenASlash29_thenSixHostAddressesLessGatewayAndExclusionsAreHandedOut() {
    IpPool pool = IpPool.of("b", "192.168.5.8/29", "192.168.5.9", List.of("192.168.5.12"));
    assertThat(pool.capacity()).isEqualTo(4); // .9..14 minus gateway .9 and excluded .12
    assertThat(pool.firstFree(Set.of())).contains("192.168.5.10");
    assertThat(pool.firstFree(Set.of("192.168.5.10", "192.168.5.11"))).contains("192.168.5.13");
    assertThat(pool.firstFree(Set.of("192.168.5.10", "192.168.5.11", "192.168.5.13", "192.168.5.14"))).isEmpty();
    assertThat(pool.contains("192.168.5.15")).isTrue();
    assertThat(pool.contains("192.168.5.16")).isFalse();
  }

  @Test
  void givenNonsense_thenThePoolIsRefusedWithTheReason() {
    assertThatThrownBy(() -> IpPool.of("b", "10.0.0.1/24", null, List.of())).hasMessageContaining("not a network address");
    assertThatThrownBy(() -> IpPool.of("b", "10.0.0.0/24", "10.0.1.1", List.of())).hasMessageContaining("gateway 10.0.1.1 outside 10.0.0.0/24");
    assertThatThrownBy(() -> IpPool.of("b", "10.0.0.0", null, List.of())).hasMessageContaining("not CIDR");
    assertThatThrownBy(() -> IpPool.of("b", "10.0.0.0/4", null, List.of())).hasMessageContaining("outside /8../32");
  }

  @Test
  void givenOverlappingPools_thenTheConfigurationIsRefused() {
    ConfigProperties p =
        new ConfigProperties(null, Map.of("host-b", new ConfigProperties.Pool("10.77.3.0/24", null, List.of())), null);
    assertThatThrownBy(p::pools).hasMessageContaining("overlap");
  }

  @Test
  void givenNoPoolForAHost_thenItTakesTheDefault() {
    ConfigProperties p =
        new ConfigProperties(null, Map.of("host-b", new ConfigProperties.Pool("10.231.7.0/24", "10.231.7.1", List.of())), null);
    IpPools pools = new IpPools(p.pools());
    assertThat(pools.forHost("host-b").cidr()).isEqualTo("10.231.7.0/24");
    assertThat(pools.forHost("host-a").cidr()).isEqualTo("10.77.0.0/16");
    assertThat(p.defaultPolicy().wireName()).isEqualTo("isolate");
    assertThatThrownBy(() -> new ConfigProperties("sometimes", Map.of(), null)).hasMessageContaining("'sometimes'");
  }

  @Test
  void givenHeldAddresses_thenOnlyThoseThePoolHandsOutCount() {
    IpPool pool = IpPool.of("b", "192.168.5.8/29", "192.168.5.9", List.of("192.168.5.12"));
    // .10 and .11 held; the gateway, an excluded address, one outside the pool and a placeholder do not count
    assertThat(pool.held(java.util.Set.of("192.168.5.10", "192.168.5.11", "192.168.5.9", "192.168.5.12", "10.0.0.1", "unknown:vm-1")))
        .isEqualTo(2);
    assertThat(pool.capacity() - pool.held(java.util.Set.of("192.168.5.10"))).isEqualTo(3);
  }
}
