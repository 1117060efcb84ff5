package dev.glide.traffic.step;

import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With {@code glide.retention.ended-after} set, removes the applied steps of rollouts older than
 * that whose route a newer rollout has moved since: each route keeps its newest step, which the
 * reconciler holds the gateway to and a restarted embedded gateway is refilled from. Set it longer
 * than the rollout-steps topic's retention, so no step of a removed rollout can still be delivered.
 * Without it (the default) all are kept.
 */
@ApplicationScoped
public class StepRetention {

    private static final Logger LOG = Logger.getLogger(StepRetention.class);

    private final EntityManager entityManager;
    private final Optional<Duration> endedAfter;

    StepRetention(
            EntityManager entityManager,
            @ConfigProperty(name = "glide.retention.ended-after") Optional<Duration> endedAfter) {
        this.entityManager = entityManager;
        this.endedAfter = endedAfter;
    }

    @Scheduled(
            every = "${glide.retention.interval:1m}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        if (endedAfter.isPresent()) {
            DatabaseOutage.tick("removing superseded applied steps", this::removeSuperseded);
        }
    }

    /** Removes superseded steps older than the retention age; returns how many went. */
    public int removeSuperseded() {
        Instant cutoff = Instant.now().minus(endedAfter.orElseThrow());
        int removed =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        entityManager
                                                .createNativeQuery(
                                                        "delete from applied_step a where a.applied_at < ?1"
                                                                + " and exists (select 1 from applied_step b where b.adapter = a.adapter"
                                                                + " and b.route = a.route and b.applied_at > a.applied_at)")
                                                .setParameter(1, cutoff)
                                                .executeUpdate());
        if (removed > 0) {
            LOG.infof(
                    "retention: removed %d applied steps superseded on their routes before %s",
                    removed, cutoff);
        }
        return removed;
    }
}
