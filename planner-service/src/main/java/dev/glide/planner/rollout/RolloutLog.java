package dev.glide.planner.rollout;

import dev.glide.contract.EventCodec;
import dev.glide.contract.KeyedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Appends to a rollout's log inside the caller's transaction, so an entry exists exactly when the state change
 * that produced it was committed.
 */
@ApplicationScoped
public class RolloutLog {

    /** Fired for every appended entry; observers that run after commit (the outbox relay) may publish it. */
    public record Appended(String rolloutId, long sequence) {
    }

    private final EventCodec codec;
    private final Event<Appended> appended;

    RolloutLog(EventCodec codec, Event<Appended> appended) {
        this.codec = codec;
        this.appended = appended;
    }

    /** The sequence the next entry of this rollout will get; events carry it so consumers can order them. */
    public long nextSequence(Rollout rollout) {
        return rollout.lastSequence + 1;
    }

    /** Appends an event with the sequence {@link #nextSequence} gave, to be published on {@code topic}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public RolloutLogEntry append(Rollout rollout, RolloutLogEntry.Type type, String topic, KeyedEvent event,
            String cause, String actor) {
        RolloutLogEntry entry = new RolloutLogEntry();
        entry.rolloutId = rollout.id;
        entry.sequence = nextSequence(rollout);
        entry.type = type.name();
        entry.topic = topic;
        entry.payload = codec.encode(event);
        entry.cause = cause;
        entry.actor = actor;
        entry.occurredAt = Instant.now();
        entry.persist();
        rollout.lastSequence = entry.sequence;
        rollout.updatedAt = entry.occurredAt;
        appended.fire(new Appended(rollout.id, entry.sequence));
        return entry;
    }
}
