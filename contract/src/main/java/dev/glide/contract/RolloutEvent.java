package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;

/**
 * A state transition of a rollout, on {@link Topics#ROLLOUT_EVENTS}, with enough context for a
 * notification.
 *
 * @param sequence the position of this transition in the rollout's log; consumers are idempotent on
 *     it
 * @param from the state before (null for the first event of a rollout)
 * @param stepIndex the step the rollout is at (0-based) out of {@code stepCount}
 * @param cause what caused the transition: a verdict, a command, a timer, the gateway's
 *     confirmation
 * @param actor who caused it, when a person did
 * @param reason why the rollout is paused, aborting or failed, when it is
 * @param analysis the analysis this event starts, when it starts one
 * @param team the team that owns the service (whose people may approve in chat), when known
 * @param trainId the release train this rollout is a member of, when it is one (its news is the
 *     train's)
 */
public record RolloutEvent(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String rolloutId,
        @Positive long sequence,
        @NotBlank String service,
        String environment,
        String strategy,
        String stableVersion,
        String canaryVersion,
        RolloutState from,
        @NotNull RolloutState to,
        int stepIndex,
        int stepCount,
        @Valid Weights weights,
        String cause,
        String actor,
        String reason,
        @Valid AnalysisRequest analysis,
        Instant occurredAt,
        String team,
        String trainId)
        implements RolloutNews {

    /**
     * 2: a release train's news is a {@link TrainEvent} of its own; version 1 carried it here too
     * (with {@code members}), and {@link RolloutNews#read} still reads it.
     */
    public static final int SCHEMA_VERSION = 2;

    public RolloutEvent {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
    }

    /** A rollout's own event, of no train. */
    public RolloutEvent(
            int schemaVersion,
            String rolloutId,
            long sequence,
            String service,
            String environment,
            String strategy,
            String stableVersion,
            String canaryVersion,
            RolloutState from,
            RolloutState to,
            int stepIndex,
            int stepCount,
            Weights weights,
            String cause,
            String actor,
            String reason,
            AnalysisRequest analysis,
            Instant occurredAt,
            String team) {
        this(
                schemaVersion,
                rolloutId,
                sequence,
                service,
                environment,
                strategy,
                stableVersion,
                canaryVersion,
                from,
                to,
                stepIndex,
                stepCount,
                weights,
                cause,
                actor,
                reason,
                analysis,
                occurredAt,
                team,
                null);
    }

    @Override
    public String kind() {
        return ROLLOUT;
    }

    @Override
    public String id() {
        return rolloutId;
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
