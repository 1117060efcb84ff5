package dev.glide.planner.service;

import dev.glide.contract.Backend;
import dev.glide.planner.strategy.StrategyPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Registers services and reads them back; a strategy that cannot be planned is refused at
 * registration.
 */
@ApplicationScoped
public class ServiceRegistry {

    /** Creates or replaces a registration; true when it is new. */
    @Transactional
    public boolean put(String name, ServiceSpec spec) {
        StrategyPlanner.plan(spec.strategy());
        ServiceRegistration registration = ServiceRegistration.findById(name);
        boolean created = registration == null;
        Instant now = Instant.now();
        if (created) {
            registration = new ServiceRegistration();
            registration.name = name;
            registration.createdAt = now;
        }
        registration.team = spec.team();
        registration.spec = spec;
        registration.updatedAt = now;
        registration.persist();
        return created;
    }

    /** After a successful rollout: {@code stable} is what the service runs now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void promote(String name, Backend stable) {
        ServiceRegistration registration =
                ServiceRegistration.<ServiceRegistration>findByIdOptional(name)
                        .orElseThrow(() -> new UnknownServiceException(name));
        registration.spec = registration.spec.withStable(stable);
        registration.updatedAt = Instant.now();
    }

    @Transactional
    public Optional<ServiceSpec> find(String name) {
        return ServiceRegistration.<ServiceRegistration>findByIdOptional(name)
                .map(registration -> registration.spec);
    }

    public ServiceSpec require(String name) {
        return find(name).orElseThrow(() -> new UnknownServiceException(name));
    }

    @Transactional
    public List<String> names() {
        return ServiceRegistration.<ServiceRegistration>listAll().stream()
                .map(r -> r.name)
                .sorted()
                .toList();
    }
}
