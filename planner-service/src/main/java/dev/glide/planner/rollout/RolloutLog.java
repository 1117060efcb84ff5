package dev.glide.planner.rollout;

import dev.glide.contract.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Appends to a rollout's log inside the caller's transaction, so an entry exists exactly when the
 * state change that produced it was committed. Sequences are given by the state machine; the log
 * only refuses gaps.
 */
@ApplicationScoped
public class RolloutLog {

    /**
     * Fired for every appended entry; observers that run after commit (the outbox relay) may
     * publish it.
     */
    public record Appended(String rolloutId, long sequence) {}

    private final EventCodec codec;
    private final Event<Appended> appended;

    RolloutLog(EventCodec codec, Event<Appended> appended) {
        this.codec = codec;
        this.appended = appended;
    }

    /**
     * Appends {@code payload} as entry {@code sequence}, to be published on {@code topic} (null:
     * log only).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RolloutLogEntry append(
            Rollout rollout,
            long sequence,
            RolloutLogEntry.Type type,
            String topic,
            Object payload,
            String cause,
            String actor) {
        if (sequence != rollout.lastSequence + 1) {
            throw new IllegalStateException(
                    "rollout "
                            + rollout.id
                            + ": log entry "
                            + sequence
                            + " does not follow "
                            + rollout.lastSequence);
        }
        RolloutLogEntry entry = new RolloutLogEntry();
        entry.rolloutId = rollout.id;
        entry.sequence = sequence;
        entry.type = type.name();
        entry.topic = topic;
        entry.payload = codec.encode(payload);
        entry.cause = cause;
        entry.actor = actor;
        entry.occurredAt = Instant.now();
        entry.persist();
        rollout.lastSequence = sequence;
        rollout.updatedAt = entry.occurredAt;
        appended.fire(new Appended(rollout.id, sequence));
        return entry;
    }
}
