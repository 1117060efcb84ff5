package dev.glide.traffic.gateway;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.GatewayBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayAdaptersTest {

    @Test
    void theTrafficServiceRefusesToServeAdaptersThePlannerWouldNotAccept() {
        List<String> shared = GatewayBinding.Adapter.types();
        assertThatCode(() -> GatewayAdapters.requireShared(Set.copyOf(shared)))
                .doesNotThrowAnyException();
        List<String> more = new ArrayList<>(shared);
        more.add("istio");
        assertThatThrownBy(() -> GatewayAdapters.requireShared(Set.copyOf(more)))
                .hasMessageContaining("istio")
                .hasMessageContaining("GatewayBinding.Adapter");
        assertThatThrownBy(() -> GatewayAdapters.requireShared(Set.of("embedded", "noop")))
                .hasMessageContaining("(embedded, noop)");
    }
}
