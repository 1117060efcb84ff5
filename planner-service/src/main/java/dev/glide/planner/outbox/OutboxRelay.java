package dev.glide.planner.outbox;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.kafka.EventPublisher;
import dev.glide.planner.rollout.RolloutLog;
import dev.glide.planner.worker.SerialWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes the rollout and train logs' unpublished entries to their topics, in log order, and
 * marks them published in the same transaction that locked them. Woken after every commit that
 * appended to the log, and by a timer for whatever a crash or a broker outage left behind. One
 * worker thread keeps each rollout's entries in order; {@code SKIP LOCKED} keeps replicas from
 * publishing the same entry together.
 *
 * <p>A crash after the broker acknowledged but before the commit publishes an entry again on
 * restart: delivery is at least once, and every consumer is idempotent on (rollout id, sequence).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;

    private final EntityManager entityManager;
    private final Map<String, EventPublisher> publishers;
    private final SerialWorker worker = new SerialWorker("outbox-relay", this::drain);

    OutboxRelay(
            EntityManager entityManager,
            EventCodec codec,
            @Channel(Topics.ROLLOUT_STEPS) Emitter<String> steps,
            @Channel(Topics.ROLLOUT_EVENTS) Emitter<String> events,
            @Channel(Topics.CDEVENTS) Emitter<String> cdEvents) {
        this.entityManager = entityManager;
        this.publishers =
                Map.of(
                        Topics.ROLLOUT_STEPS, new EventPublisher(steps, codec),
                        Topics.ROLLOUT_EVENTS, new EventPublisher(events, codec),
                        Topics.CDEVENTS, new EventPublisher(cdEvents, codec));
    }

    void afterCommit(
            @Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutLog.Appended appended) {
        worker.wake();
    }

    /** A train's transaction commits: its events are in its own log. */
    void afterTrainCommit(
            @Observes(during = TransactionPhase.AFTER_SUCCESS) TrainLogAppended appended) {
        worker.wake();
    }

    /** Fired by whoever appended a published entry to a train's log. */
    public record TrainLogAppended(String trainId) {}

    @Scheduled(
            every = "${glide.outbox.poll-interval}",
            delayed = "1s",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        worker.wake();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        worker.stop();
    }

    private void drain() {
        try {
            while (publishBatch("rollout_log", "rollout_id") == BATCH) {
                // a full batch: there may be more
            }
            while (publishBatch("train_log", "train_id") == BATCH) {
                // trains' events, likewise
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay stopped for now (%s); the next wake retries", e.getMessage());
        }
    }

    /**
     * Publishes one batch of a log table ({@code rollout_log} or {@code train_log}, keyed by {@code
     * keyColumn}) and stamps it; the same shape serves both, so it is read as plain rows.
     */
    private int publishBatch(String table, String keyColumn) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () -> {
                            @SuppressWarnings("unchecked")
                            List<Object[]> entries =
                                    entityManager
                                            .createNativeQuery(
                                                    "select position, "
                                                            + keyColumn
                                                            + ", sequence, topic, cast(payload as text) from "
                                                            + table
                                                            + " where published_at is null and topic is not null"
                                                            + " order by position limit "
                                                            + BATCH
                                                            + " for update skip locked")
                                            .getResultList();
                            Map<String, List<EventPublisher.Keyed>> byTopic =
                                    new java.util.LinkedHashMap<>();
                            for (Object[] entry : entries) {
                                String key = (String) entry[1];
                                String topic = (String) entry[3];
                                if (!publishers.containsKey(topic)) {
                                    throw new IllegalStateException(
                                            table
                                                    + " entry "
                                                    + key
                                                    + "/"
                                                    + entry[2]
                                                    + " names topic "
                                                    + topic
                                                    + ", which the planner does not publish to");
                                }
                                byTopic.computeIfAbsent(topic, t -> new java.util.ArrayList<>())
                                        .add(new EventPublisher.Keyed(key, (String) entry[4]));
                            }
                            // Entries of one rollout (train) share a key, hence a partition, so
                            // each topic keeps their log order.
                            byTopic.forEach(
                                    (topic, records) -> publishers.get(topic).publishAll(records));
                            if (!entries.isEmpty()) {
                                entityManager
                                        .createNativeQuery(
                                                "update "
                                                        + table
                                                        + " set published_at = ?1 where position in (?2)")
                                        .setParameter(1, Instant.now())
                                        .setParameter(
                                                2,
                                                entries.stream()
                                                        .map(e -> ((Number) e[0]).longValue())
                                                        .toList())
                                        .executeUpdate();
                            }
                            return entries.size();
                        });
    }
}
