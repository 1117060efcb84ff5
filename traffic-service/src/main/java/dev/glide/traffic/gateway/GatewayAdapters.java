package dev.glide.traffic.gateway;

import dev.glide.contract.seam.Registry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Every {@link GatewayAdapter} bean, picked by the type a service's gateway binding names. */
@ApplicationScoped
public class GatewayAdapters {

    @Produces
    @ApplicationScoped
    Registry<GatewayAdapter> adapters(Instance<GatewayAdapter> adapters) {
        return new Registry<>("gateway adapter", adapters);
    }
}
