package dev.glide.planner.kernel;

import dev.glide.contract.EventCodec;
import dev.glide.contract.KeyedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Every aggregate's append-only log, keyed by kind, id and sequence, appended inside the caller's
 * transaction, so an entry exists exactly when the state change that produced it was committed.
 * Sequences are given by the machines; the log only refuses gaps.
 */
@ApplicationScoped
public class EventLog {

    /**
     * Fired for every appended entry; observers after commit (the outbox relay) may publish it, an
     * urgent one ({@link KeyedEvent#urgent}) first.
     */
    public record Appended(
            String kind, String aggregateId, long sequence, boolean published, boolean urgent) {}

    private final EventCodec codec;
    private final Event<Appended> appended;

    EventLog(EventCodec codec, Event<Appended> appended) {
        this.codec = codec;
        this.appended = appended;
    }

    /**
     * Appends {@code payload} as entry {@code sequence}, published on {@code topic} (null: log
     * only).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public LogEntry append(
            String kind,
            AggregateRow row,
            long sequence,
            LogEntry.Type type,
            String topic,
            Object payload,
            String cause,
            String actor,
            Instant now) {
        if (sequence != row.lastSequence + 1) {
            throw new IllegalStateException(
                    kind
                            + " "
                            + row.id
                            + ": log entry "
                            + sequence
                            + " does not follow "
                            + row.lastSequence);
        }
        LogEntry entry = new LogEntry();
        entry.kind = kind;
        entry.aggregateId = row.id;
        entry.sequence = sequence;
        entry.type = type.name();
        entry.topic = topic;
        entry.payload = codec.encode(payload);
        entry.cause = cause;
        entry.actor = actor;
        entry.occurredAt = now;
        entry.persist();
        row.lastSequence = sequence;
        row.updatedAt = now;
        appended.fire(
                new Appended(
                        kind,
                        row.id,
                        sequence,
                        topic != null,
                        topic != null && payload instanceof KeyedEvent event && event.urgent()));
        return entry;
    }

    /** The aggregate's entries after {@code afterSequence}, in order. */
    public List<LogEntry> after(String kind, String id, long afterSequence) {
        return LogEntry.list(
                "kind = ?1 and aggregateId = ?2 and sequence > ?3 order by sequence",
                kind,
                id,
                afterSequence);
    }

    /** The aggregate's logged inputs, in order: what its status folds from. */
    public List<LogEntry> inputs(String kind, String id) {
        return LogEntry.list(
                "kind = ?1 and aggregateId = ?2 and type = ?3 order by sequence",
                kind,
                id,
                LogEntry.Type.INPUT.name());
    }

    /** The aggregate's whole log as the API shows it. */
    public List<HistoryEntry> history(String kind, String id) {
        return after(kind, id, 0).stream().map(this::entry).toList();
    }

    public HistoryEntry entry(LogEntry e) {
        return new HistoryEntry(
                e.sequence,
                e.type,
                e.cause,
                e.actor,
                e.occurredAt,
                e.publishedAt,
                codec.tree(e.payload));
    }
}
