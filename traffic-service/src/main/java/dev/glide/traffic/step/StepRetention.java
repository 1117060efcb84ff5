package dev.glide.traffic.step;

import dev.glide.contract.retention.RetentionTask;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;

/**
 * The traffic service's part of retention ({@link dev.glide.contract.retention.RetentionJob}): the
 * applied steps older than the cutoff whose route a newer rollout has moved since: each route keeps
 * its newest step, which the reconciler holds the gateway to and a restarted embedded gateway is
 * refilled from. Set it longer than the rollout-steps topic's retention, so no step of a removed
 * rollout can still be delivered. Without it (the default) all are kept.
 */
@ApplicationScoped
public class StepRetention implements RetentionTask {

    private final EntityManager entityManager;

    StepRetention(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Override
    public String what() {
        return "applied steps superseded on their routes";
    }

    /** Removes superseded steps older than the retention age; returns how many went. */
    @Override
    public int removeEndedBefore(Instant cutoff) {
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
        return removed;
    }
}
