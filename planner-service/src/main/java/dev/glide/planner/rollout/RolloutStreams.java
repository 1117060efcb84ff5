package dev.glide.planner.rollout;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.HistoryEntry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Live views for the dashboard and the CLI's {@code watch}: a rollout's changes, or a list's, as
 * server-sent events. Each stream reads the database on a short tick rather than listening to this
 * replica's own commits, so a watcher sees every change, whichever planner replica made it; it
 * sends only what changed since its last event.
 */
@ApplicationScoped
public class RolloutStreams {

    private final RolloutQueries queries;
    private final EventCodec codec;
    private final Duration tick;

    RolloutStreams(
            RolloutQueries queries,
            EventCodec codec,
            @ConfigProperty(name = "glide.streams.tick", defaultValue = "500ms") Duration tick) {
        this.queries = queries;
        this.codec = codec;
        this.tick = tick;
    }

    /**
     * The rollout with its whole history first, then each change: the new state and the log entries
     * since.
     */
    public Multi<RolloutQueries.Update> rollout(String id) {
        queries.get(id); // an unknown rollout is a 404 now, not an empty stream
        AtomicLong seen = new AtomicLong();
        AtomicBoolean first = new AtomicBoolean(true);
        return ticks().map(tick -> queries.since(id, seen.get(), first.getAndSet(false)))
                .filter(Optional::isPresent)
                .map(Optional::get)
                .invoke(
                        update ->
                                update.entries().stream()
                                        .mapToLong(HistoryEntry::sequence)
                                        .max()
                                        .ifPresent(seen::set));
    }

    /** The list (as {@link RolloutQueries#list}), again each time anything in it changed. */
    public Multi<List<RolloutView>> list(
            String service, String team, RolloutState state, int limit) {
        return changes(() -> queries.list(service, team, state, limit));
    }

    /** What {@code read} gives now, and again each time it gives something else. */
    public <T> Multi<T> changes(Supplier<T> read) {
        AtomicReference<String> last = new AtomicReference<>();
        return ticks().map(tick -> read.get())
                .filter(
                        value -> {
                            String encoded = codec.encode(value);
                            return !encoded.equals(last.getAndSet(encoded));
                        });
    }

    private Multi<Long> ticks() {
        return Multi.createFrom()
                .ticks()
                .startingAfter(Duration.ofMillis(1))
                .every(tick)
                .onOverflow()
                .drop()
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }
}
