package dev.glide.traffic.gateway;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.seam.Registry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.Set;
import java.util.TreeSet;

/** Every {@link GatewayAdapter} bean, picked by the type a service's gateway binding names. */
@ApplicationScoped
public class GatewayAdapters {

    @Produces
    @ApplicationScoped
    Registry<GatewayAdapter> adapters(Instance<GatewayAdapter> adapters) {
        Registry<GatewayAdapter> registry = new Registry<>("gateway adapter", adapters);
        requireShared(registry.types());
        return registry;
    }

    /**
     * The planner refuses bindings to adapters outside {@link GatewayBinding.Adapter}; serving
     * others, or lacking one of them, would let the two drift apart: refuse to start instead.
     */
    static void requireShared(Set<String> served) {
        Set<String> shared = new TreeSet<>(GatewayBinding.Adapter.types());
        if (!shared.equals(new TreeSet<>(served))) {
            throw new IllegalStateException(
                    "the gateway adapters served ("
                            + String.join(", ", new TreeSet<>(served))
                            + ") are not those the contract's GatewayBinding.Adapter lists for the planner ("
                            + String.join(", ", shared)
                            + ")");
        }
    }
}
