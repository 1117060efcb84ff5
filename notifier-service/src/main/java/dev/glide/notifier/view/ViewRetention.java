package dev.glide.notifier.view;

import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With {@code glide.retention.ended-after} set, removes what the notifier keeps of rollouts and
 * trains that ended longer ago than that: their snapshot, the record of what was delivered, their
 * Slack message and clicks. A running one's are never removed. Without it (the default) all is
 * kept.
 */
@ApplicationScoped
public class ViewRetention {

    private static final Logger LOG = Logger.getLogger(ViewRetention.class);
    private static final int BATCH = 500;

    private final EntityManager entityManager;
    private final Optional<Duration> endedAfter;

    ViewRetention(
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
            DatabaseOutage.tick("removing ended rollouts' views", this::removeEnded);
        }
    }

    /** Removes the views of what ended before the retention age; returns how many went. */
    public int removeEnded() {
        Instant cutoff = Instant.now().minus(endedAfter.orElseThrow());
        int removed = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> removeBatch(cutoff));
            removed += batch;
        } while (batch == BATCH);
        if (removed > 0) {
            LOG.infof(
                    "retention: removed the views of %d rollouts and trains that ended before %s",
                    removed, cutoff);
        }
        return removed;
    }

    private int removeBatch(Instant cutoff) {
        @SuppressWarnings("unchecked")
        List<String> ids =
                entityManager
                        .createNativeQuery(
                                "select rollout_id from rollout_view where updated_at < ?1"
                                        + " and snapshot ->> 'state' in ('SUCCEEDED', 'ABORTED', 'FAILED')"
                                        + " order by updated_at limit "
                                        + BATCH
                                        + " for update skip locked")
                        .setParameter(1, cutoff)
                        .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        for (String table : List.of("delivery", "slack_message", "slack_click", "rollout_view")) {
            entityManager
                    .createNativeQuery("delete from " + table + " where rollout_id in (?1)")
                    .setParameter(1, ids)
                    .executeUpdate();
        }
        return ids.size();
    }
}
