package dev.glide.analysis.run;

import dev.glide.contract.retention.RetentionTask;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;

/**
 * The analysis' part of retention ({@link dev.glide.contract.retention.RetentionJob}): metrics
 * windows and finished analyses older than the cutoff, the windows of a rollout only once none of
 * its analyses is still running.
 */
@ApplicationScoped
public class AnalysisRetention implements RetentionTask {

    private final EntityManager entityManager;

    AnalysisRetention(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Override
    public String what() {
        return "metrics windows, finished analyses and their gates' runs";
    }

    /** Removes what is older than the retention age; returns how many rows went. */
    @Override
    public int removeEndedBefore(Instant cutoff) {
        int removed =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        entityManager
                                                        .createNativeQuery(
                                                                "delete from metric_window w where w.received_at < ?1"
                                                                        + " and not exists (select 1 from analysis_run r"
                                                                        + " where r.rollout_id = w.rollout_id and r.state = 'ACTIVE')")
                                                        .setParameter(1, cutoff)
                                                        .executeUpdate()
                                                + entityManager
                                                        .createNativeQuery(
                                                                "delete from analysis_run where state <> 'ACTIVE' and due_at < ?1")
                                                        .setParameter(1, cutoff)
                                                        .executeUpdate()
                                                + entityManager
                                                        .createNativeQuery(
                                                                "delete from gate_run g where g.created_at < ?1"
                                                                        + " and not exists (select 1 from analysis_run r"
                                                                        + " where r.rollout_id = g.rollout_id"
                                                                        + " and r.analysis_sequence = g.analysis_sequence)")
                                                        .setParameter(1, cutoff)
                                                        .executeUpdate());
        return removed;
    }
}
