package dev.glide.contract.seam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest {

    record Gateway(String type) implements Typed {}

    @Test
    void anImplementationIsFoundByItsTypeAndAnUnknownOneIsRefusedNamingTheKnownOnes() {
        Registry<Gateway> registry =
                new Registry<>(
                        "gateway adapter", List.of(new Gateway("noop"), new Gateway("haproxy")));

        assertThat(registry.require("haproxy").type()).isEqualTo("haproxy");
        assertThat(registry.find("istio")).isEmpty();
        assertThatThrownBy(() -> registry.require("istio"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no gateway adapter named 'istio'; known: haproxy, noop");
    }

    @Test
    void twoImplementationsOfOneTypeAreRefused() {
        assertThatThrownBy(
                        () -> new Registry<>("judge", List.of(new Gateway("x"), new Gateway("x"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two judges are named 'x'");
    }
}
