package dev.glide.analysis.run;

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
 * With {@code glide.retention.ended-after} set, removes metrics windows and finished analyses older
 * than that: the windows of a rollout only once none of its analyses is still running. Without it
 * (the default) they are kept.
 */
@ApplicationScoped
public class AnalysisRetention {

    private static final Logger LOG = Logger.getLogger(AnalysisRetention.class);

    private final EntityManager entityManager;
    private final Optional<Duration> endedAfter;

    AnalysisRetention(
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
            DatabaseOutage.tick("removing old metrics windows", this::removeOld);
        }
    }

    /** Removes what is older than the retention age; returns how many rows went. */
    public int removeOld() {
        Instant cutoff = Instant.now().minus(endedAfter.orElseThrow());
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
                                                        .executeUpdate());
        if (removed > 0) {
            LOG.infof(
                    "retention: removed %d metrics windows and analyses older than %s",
                    removed, cutoff);
        }
        return removed;
    }
}
