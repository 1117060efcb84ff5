package dev.glide.planner.kernel;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.kafka.EventPublisher;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes the log's unpublished entries (every aggregate's) to their topics, in log order, and
 * marks them published in the same transaction that locked them. Woken after every commit that
 * appended a published entry, and by a timer for whatever a crash or a broker outage left behind.
 * One worker thread keeps each aggregate's entries in order; {@code SKIP LOCKED} keeps replicas
 * from publishing the same entry together.
 *
 * <p>An urgent entry (a step taking users back to stable: an abort's) is published beside the
 * backlog by a worker of its own: its aggregate's unpublished entries, in order and locked without
 * skipping, so a batch publishing an earlier one of them is waited for rather than overtaken; the
 * backlog leaves that aggregate's entries alone meanwhile. Other aggregates' entries keep their
 * order among themselves.
 *
 * <p>A crash after the broker acknowledged but before the commit publishes an entry again on
 * restart: delivery is at least once, and every consumer is idempotent on (id, sequence).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    private final Map<String, EventPublisher> publishers;
    private final SerialWorker worker = new SerialWorker("outbox-relay", this::drain);
    private final SerialWorker urgentWorker =
            new SerialWorker("outbox-relay-urgent", this::drainUrgent);
    private final Set<Urgent> urgent = ConcurrentHashMap.newKeySet();

    /** Aggregates whose entries the urgent worker is publishing now: the backlog leaves them. */
    private final Set<Urgent> urgentNow = ConcurrentHashMap.newKeySet();

    /** An aggregate an urgent entry was appended to. */
    private record Urgent(String kind, String aggregateId) {}

    OutboxRelay(
            EntityManager entityManager,
            TransactionSynchronizationRegistry transactions,
            EventCodec codec,
            @Channel(Topics.ROLLOUT_STEPS) Emitter<String> steps,
            @Channel(Topics.ROLLOUT_EVENTS) Emitter<String> events,
            @Channel(Topics.CDEVENTS) Emitter<String> cdEvents) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.publishers =
                Map.of(
                        Topics.ROLLOUT_STEPS, new EventPublisher(steps, codec),
                        Topics.ROLLOUT_EVENTS, new EventPublisher(events, codec),
                        Topics.CDEVENTS, new EventPublisher(cdEvents, codec));
    }

    /**
     * Notes an appended entry in its transaction; the workers are woken once, when it commits, with
     * every urgent aggregate it touched. Woken per entry, the urgent worker would start on the
     * first few of a train's hundreds of aborts while the rest were still being noted, and publish
     * them in several batches one after another.
     */
    void appended(@Observes EventLog.Appended appended) {
        if (!appended.published()) {
            return;
        }
        Committed committed = (Committed) transactions.getResource(Committed.class);
        if (committed == null) {
            committed = new Committed();
            transactions.putResource(Committed.class, committed);
            transactions.registerInterposedSynchronization(committed);
        }
        if (appended.urgent()) {
            committed.urgent.add(new Urgent(appended.kind(), appended.aggregateId()));
        }
    }

    /** What one transaction appended for publishing, handed to the workers once it commits. */
    private final class Committed implements Synchronization {
        private final Set<Urgent> urgent = new LinkedHashSet<>();

        @Override
        public void beforeCompletion() {
            // nothing to publish before it is committed
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                return;
            }
            if (!urgent.isEmpty()) {
                OutboxRelay.this.urgent.addAll(urgent);
                urgentWorker.wake();
            }
            worker.wake();
        }
    }

    @Scheduled(
            every = "${glide.outbox.poll-interval}",
            delayed = "1s",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        worker.wake();
        urgentWorker.wake();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        worker.stop();
        urgentWorker.stop();
    }

    private void drain() {
        try {
            while (publishBatch(this::unpublished, true) == BATCH) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay stopped for now (%s); the next wake retries", e.getMessage());
        }
    }

    /**
     * Publishes the unpublished entries of every aggregate an urgent entry was appended to, beside
     * the backlog rather than after its current batch.
     */
    private void drainUrgent() {
        while (!urgent.isEmpty()) {
            List<Urgent> taken = List.copyOf(urgent);
            urgent.removeAll(taken);
            urgentNow.addAll(taken);
            try {
                Map<String, List<String>> byKind = new LinkedHashMap<>();
                for (Urgent aggregate : taken) {
                    byKind.computeIfAbsent(aggregate.kind(), k -> new ArrayList<>())
                            .add(aggregate.aggregateId());
                }
                byKind.forEach((kind, ids) -> publishBatch(() -> unpublishedOf(kind, ids), false));
            } catch (RuntimeException e) {
                urgent.addAll(taken);
                LOG.warnf(
                        "outbox relay could not publish urgent entries now (%s); the next wake"
                                + " retries",
                        e.getMessage());
                return;
            } finally {
                urgentNow.removeAll(taken);
            }
        }
    }

    /**
     * Publishes one batch of unpublished entries, oldest first (steps before other topics), and
     * stamps them; returns how many were selected. The backlog ({@code backlog}) leaves the entries
     * of aggregates the urgent worker is publishing or about to: they stay unpublished for it (it
     * waits for their locks) or for the next batch, so no entry overtakes an earlier one of its
     * aggregate.
     */
    private int publishBatch(Supplier<List<LogEntry>> batch, boolean backlog) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () -> {
                            List<LogEntry> selected = batch.get();
                            List<LogEntry> entries =
                                    backlog
                                            ? selected.stream()
                                                    .filter(e -> !urgent(e.kind, e.aggregateId))
                                                    .toList()
                                            : selected;
                            Map<String, List<EventPublisher.Keyed>> byTopic = new LinkedHashMap<>();
                            for (LogEntry entry : entries) {
                                if (!publishers.containsKey(entry.topic)) {
                                    throw new IllegalStateException(
                                            entry.kind
                                                    + " "
                                                    + entry.aggregateId
                                                    + " entry "
                                                    + entry.sequence
                                                    + " names topic "
                                                    + entry.topic
                                                    + ", which the planner does not publish to");
                                }
                                byTopic.computeIfAbsent(entry.topic, t -> new ArrayList<>())
                                        .add(
                                                new EventPublisher.Keyed(
                                                        entry.aggregateId, entry.payload));
                            }
                            // Entries of one aggregate share a key, hence a partition, so each
                            // topic keeps their log order. Steps are sent first (they move users),
                            // and every topic's acknowledgements are waited for together.
                            List<CompletableFuture<Void>> sent = new ArrayList<>();
                            List<String> topics = new ArrayList<>(byTopic.keySet());
                            topics.sort(Comparator.comparing(t -> !t.equals(Topics.ROLLOUT_STEPS)));
                            for (String topic : topics) {
                                sent.add(publishers.get(topic).sendAll(byTopic.get(topic)));
                            }
                            EventPublisher.awaitAll(sent, entries.size() + " outbox entries");
                            if (!entries.isEmpty()) {
                                // one array parameter: the statement is the same for any batch
                                entityManager
                                        .createNativeQuery(
                                                "update aggregate_log set published_at = :now"
                                                        + " where position = any(:positions)")
                                        .setParameter("now", Instant.now())
                                        .setParameter(
                                                "positions",
                                                entries.stream()
                                                        .map(e -> e.position)
                                                        .toArray(Long[]::new))
                                        .executeUpdate();
                            }
                            return selected.size();
                        });
    }

    /** True when the urgent worker is publishing this aggregate's entries, or is about to. */
    private boolean urgent(String kind, String aggregateId) {
        Urgent aggregate = new Urgent(kind, aggregateId);
        return urgentNow.contains(aggregate) || urgent.contains(aggregate);
    }

    /** The oldest unpublished entries no other replica is publishing, locked (skip locked). */
    @SuppressWarnings("unchecked") // a native query with an entity result gives LogEntry rows
    private List<LogEntry> unpublished() {
        return entityManager
                .createNativeQuery(
                        "select * from aggregate_log where published_at is null and topic is not null"
                                + " order by position limit :batch for update skip locked",
                        LogEntry.class)
                .setParameter("batch", BATCH)
                .getResultList();
    }

    /**
     * These aggregates' unpublished entries, locked, waiting for a replica that is publishing one
     * of them (it commits them published, and they drop out).
     */
    @SuppressWarnings("unchecked") // a native query with an entity result gives LogEntry rows
    private List<LogEntry> unpublishedOf(String kind, List<String> aggregateIds) {
        return entityManager
                .createNativeQuery(
                        "select * from aggregate_log where kind = :kind and aggregate_id in (:ids)"
                                + " and published_at is null and topic is not null order by"
                                + " position for update",
                        LogEntry.class)
                .setParameter("kind", kind)
                .setParameter("ids", aggregateIds)
                .getResultList();
    }
}
