package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import java.util.List;

/**
 * A release train changed, on {@link Topics#ROLLOUT_EVENTS} under the train's id: its state, its
 * phase and each member's line, in dependency order.
 *
 * @param sequence the position of this change in the train's log; consumers are idempotent on it
 * @param name the train's name
 * @param from the state before (null for its first event)
 * @param phase where the train is: CANARY, AWAITING_PROMOTION, CUTOVER, ROLLBACK_WINDOW, ... (null
 *     in events read from schema version 1, which gave only {@code phaseIndex})
 * @param phaseIndex the phase's place (0-based) out of {@code phaseCount}
 * @param cause what changed it: a member's news, a command, a timer
 * @param actor who changed it, when a person did
 * @param reason why it is paused, aborting or failed, when it is
 * @param team the team that released it
 */
public record TrainEvent(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String trainId,
        @Positive long sequence,
        @NotBlank String name,
        String environment,
        RolloutState from,
        @NotNull RolloutState to,
        String phase,
        int phaseIndex,
        int phaseCount,
        String cause,
        String actor,
        String reason,
        Instant occurredAt,
        String team,
        List<@Valid TrainMember> members)
        implements RolloutNews {

    public static final int SCHEMA_VERSION = 1;

    public TrainEvent {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        members = members == null ? List.of() : List.copyOf(members);
    }

    @Override
    public String kind() {
        return TRAIN;
    }

    @Override
    public String id() {
        return trainId;
    }

    @Override
    public String recordKey() {
        return trainId;
    }

    /**
     * A train's event as schema version 1 wrote it: a {@link RolloutEvent} whose {@code rolloutId}
     * is the train's id, {@code service} its name, {@code stepIndex} its phase's place, with the
     * members' lines.
     */
    record V1(
            @Min(1) @Max(1) int schemaVersion,
            @NotBlank String rolloutId,
            @Positive long sequence,
            @NotBlank String service,
            String environment,
            RolloutState from,
            @NotNull RolloutState to,
            int stepIndex,
            int stepCount,
            String cause,
            String actor,
            String reason,
            Instant occurredAt,
            String team,
            List<@Valid TrainMember> members) {

        TrainEvent toTrainEvent() {
            return new TrainEvent(
                    SCHEMA_VERSION,
                    rolloutId,
                    sequence,
                    service,
                    environment,
                    from,
                    to,
                    null,
                    stepIndex,
                    stepCount,
                    cause,
                    actor,
                    reason,
                    occurredAt,
                    team,
                    members);
        }
    }
}
