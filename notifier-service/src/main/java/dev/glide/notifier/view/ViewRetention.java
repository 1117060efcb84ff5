package dev.glide.notifier.view;

import dev.glide.contract.retention.RetentionTask;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;

/**
 * The notifier's part of retention ({@link dev.glide.contract.retention.RetentionJob}): what it
 * keeps of rollouts and trains that ended before the cutoff (their snapshot, the record of what was
 * delivered, their Slack message and clicks). A running one's are never removed.
 */
@ApplicationScoped
public class ViewRetention implements RetentionTask {

    private static final int BATCH = 500;

    private final EntityManager entityManager;

    ViewRetention(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Override
    public String what() {
        return "views, deliveries and Slack messages of rollouts and trains";
    }

    /** Removes the views of what ended before the retention age; returns how many went. */
    @Override
    public int removeEndedBefore(Instant cutoff) {
        int removed = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> removeBatch(cutoff));
            removed += batch;
        } while (batch == BATCH);
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
