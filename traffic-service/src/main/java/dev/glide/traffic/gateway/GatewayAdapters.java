package dev.glide.traffic.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Picks the adapter a service's gateway binding names, among every {@link GatewayAdapter} bean. */
@ApplicationScoped
public class GatewayAdapters {

    private final Map<String, GatewayAdapter> byType = new TreeMap<>();

    GatewayAdapters(Instance<GatewayAdapter> adapters) {
        adapters.forEach(adapter -> byType.put(adapter.type(), adapter));
    }

    public Optional<GatewayAdapter> forType(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public String knownTypes() {
        return String.join(", ", byType.keySet());
    }
}
