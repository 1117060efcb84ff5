package dev.glide.planner.kernel;

import dev.glide.contract.concurrent.DaemonThreads;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What changed, for every live view this replica serves, from one poll: each tick (while anyone
 * listens) one indexed query reads the log entries that became visible since the last, from any
 * replica, and tells every subscriber which aggregates they belong to. So N open views cost about
 * what one does until something changes, and then each re-reads only when its own aggregate (or,
 * for a list, anything) changed.
 *
 * <p>Log positions are taken when an entry is inserted, not when it commits, so a transaction can
 * commit a lower position after a higher one was seen. The poll therefore looks back over the
 * positions of the last {@code glide.streams.lookback} (10 s) and reports each position once.
 */
@ApplicationScoped
public class ChangeFeed {

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);

    /** The aggregates that changed in one tick, as {@code kind:id}. */
    public record Changes(Set<String> aggregates) {
        public boolean touches(String kind, String id) {
            return aggregates.contains(kind + ":" + id);
        }
    }

    private final EntityManager entities;
    private final Duration lookback;
    private final BroadcastProcessor<Changes> processor = BroadcastProcessor.create();
    private final AtomicInteger listening = new AtomicInteger();
    private final ScheduledExecutorService poller =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("glide-change-feed"));

    /** The highest position seen at each recent tick, oldest first: where the look-back starts. */
    private final Deque<long[]> marks = new ArrayDeque<>();

    /** Positions at or after the look-back's start that were already reported. */
    private final TreeSet<Long> reported = new TreeSet<>();

    private long from = -1;

    ChangeFeed(
            EntityManager entities,
            @ConfigProperty(name = "glide.streams.tick", defaultValue = "250ms") Duration tick,
            @ConfigProperty(name = "glide.streams.lookback", defaultValue = "10s")
                    Duration lookback) {
        this.entities = entities;
        this.lookback = lookback;
        poller.scheduleWithFixedDelay(
                this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Every tick's changes from now on, shared by all subscribers (while nobody listens a tick
     * reads only the log's highest position). A subscriber slower than the ticks gets the newest,
     * not a queue.
     */
    public Multi<Changes> changes() {
        return processor
                .onSubscription()
                .invoke(() -> listening.incrementAndGet())
                .onTermination()
                .invoke(() -> listening.decrementAndGet())
                .onOverflow()
                .dropPreviousItems();
    }

    private void tick() {
        try {
            Changes changes =
                    QuarkusTransaction.requiringNew()
                            .call(() -> listening.get() == 0 ? idle() : read());
            if (!changes.aggregates().isEmpty()) {
                processor.onNext(changes);
            }
        } catch (RuntimeException e) {
            LOG.debugf("live views: could not read the log's changes: %s", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }

    /**
     * Nobody listens: only the highest position is read (one index lookup), so the look-back is in
     * place for whoever listens next without reading the entries.
     */
    private Changes idle() {
        long highest =
                ((Number)
                                entities.createNativeQuery(
                                                "select coalesce(max(position), 0) from aggregate_log")
                                        .getSingleResult())
                        .longValue();
        if (from < 0) {
            from = highest;
        }
        reported.clear(); // a late listener may hear of a recent change twice: it reads again
        mark(System.nanoTime(), highest);
        return new Changes(Set.of());
    }

    @SuppressWarnings("unchecked")
    private Changes read() {
        if (from < 0) {
            return idle();
        }
        long now = System.nanoTime();
        List<Object[]> rows =
                entities.createNativeQuery(
                                "select position, kind, aggregate_id from aggregate_log"
                                        + " where position > ?1 order by position")
                        .setParameter(1, from)
                        .getResultList();
        Set<String> touched = new HashSet<>();
        long highest = from;
        for (Object[] row : rows) {
            long position = ((Number) row[0]).longValue();
            highest = Math.max(highest, position);
            if (reported.add(position)) {
                touched.add(row[1] + ":" + row[2]);
            }
        }
        mark(now, highest);
        return new Changes(touched);
    }

    /** Moves the look-back's start up to the highest position seen a look-back ago. */
    private void mark(long now, long highest) {
        marks.add(new long[] {now, highest});
        while (marks.size() > 1 && now - marks.peekFirst()[0] > lookback.toNanos()) {
            from = Math.max(from, marks.pollFirst()[1]);
        }
        reported.headSet(from, true).clear();
    }
}
