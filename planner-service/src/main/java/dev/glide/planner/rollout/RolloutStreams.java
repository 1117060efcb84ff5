package dev.glide.planner.rollout;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.ChangeFeed;
import dev.glide.planner.kernel.HistoryEntry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Live views for the dashboard and the CLI's {@code watch}: a rollout's changes, or a list's, as
 * server-sent events. Every stream this replica serves listens to one {@link ChangeFeed}, which
 * polls the shared log once per tick for all of them, so a watcher sees every change whichever
 * planner replica made it, and N watchers cost about what one does while nothing changes. A stream
 * reads the database only when something it shows changed, and sends only what changed since its
 * last event.
 */
@ApplicationScoped
public class RolloutStreams {

    private final RolloutQueries queries;
    private final EventCodec codec;
    private final ChangeFeed feed;
    private final Map<String, SharedRead> reads = new ConcurrentHashMap<>();

    RolloutStreams(RolloutQueries queries, EventCodec codec, ChangeFeed feed) {
        this.queries = queries;
        this.codec = codec;
        this.feed = feed;
    }

    /**
     * The rollout with its whole history first, then each change: the new state and the log entries
     * since.
     */
    public Multi<RolloutQueries.Update> rollout(String id) {
        queries.get(id); // an unknown rollout is a 404 now, not an empty stream
        AtomicLong seen = new AtomicLong();
        AtomicBoolean first = new AtomicBoolean(true);
        return signals(changes -> changes.touches(RolloutDriver.KIND, id))
                .map(signal -> queries.since(id, seen.get(), first.getAndSet(false)))
                .filter(Optional::isPresent)
                .map(Optional::get)
                .invoke(
                        update ->
                                update.entries().stream()
                                        .mapToLong(HistoryEntry::sequence)
                                        .max()
                                        .ifPresent(seen::set));
    }

    /**
     * The list (as {@link RolloutQueries#list}) as JSON, again each time anything in it changed.
     */
    public Multi<String> list(String service, String team, RolloutState state, int limit) {
        return changes(
                "list " + service + " " + team + " " + state + " " + limit,
                () -> queries.list(service, team, state, limit));
    }

    /**
     * What {@code read} gives now, as JSON, and again each time it gives something else. Streams of
     * the same {@code view} (the same list, the same train) share one read per change, encoded
     * once: a hundred people on one page cost one query and one encoding when something changes,
     * not a hundred of each.
     */
    public Multi<String> changes(String view, Supplier<?> read) {
        AtomicReference<String> last = new AtomicReference<>();
        return signals(changes -> true)
                .map(
                        signal ->
                                signal instanceof ChangeFeed.Changes change
                                        ? shared(view, change, read)
                                        : new SharedRead(null, read.get(), codec))
                .map(SharedRead::encoded)
                .filter(encoded -> !encoded.equals(last.getAndSet(encoded)));
    }

    private SharedRead shared(String view, ChangeFeed.Changes change, Supplier<?> read) {
        if (reads.size() > 10_000) {
            reads.clear(); // views nobody watches any more
        }
        return reads.compute(
                view,
                (key, before) ->
                        before != null && before.change() == change
                                ? before
                                : new SharedRead(change, read.get(), codec));
    }

    /**
     * A view's value as read for one change, encoded once, for every stream of that view to compare
     * with what it sent last and to send.
     */
    private record SharedRead(ChangeFeed.Changes change, String encoded) {
        SharedRead(ChangeFeed.Changes change, Object value, EventCodec codec) {
            this(change, codec.encode(value));
        }
    }

    /**
     * One signal at once, then one for each tick with a change that {@code relevant} accepts; a
     * watcher slower than the changes gets the newest signal, never a queue of them (each signal
     * means "read again").
     */
    private Multi<Object> signals(Predicate<ChangeFeed.Changes> relevant) {
        Multi<Object> later = feed.changes().filter(relevant).map(changes -> (Object) changes);
        return Multi.createBy()
                .concatenating()
                .streams(Multi.createFrom().item(new Object()), later)
                .onOverflow()
                .dropPreviousItems()
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }
}
