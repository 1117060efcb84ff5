package dev.glide.contract;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * A person's or a tool's order to a running rollout, on {@link Topics#ROLLOUT_COMMANDS}.
 *
 * @param commandId unique per command; the same id twice is one command
 * @param rolloutId the rollout the command is for, or a release train (whose ids start with {@value
 *     #TRAIN_PREFIX}): a train's command acts on all its members
 * @param actor who gave it (a team token's name, a Slack user), recorded in the rollout's log
 * @param source where it came from: api, slack, kafka, cli
 */
public record RolloutCommand(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String commandId,
        @NotBlank String rolloutId,
        @NotNull Type type,
        @NotBlank String actor,
        String source,
        String reason,
        Instant issuedAt,
        Target target)
        implements KeyedEvent {

    /**
     * 2: the command names its target's kind ({@code target}); version 1 said it by the id alone.
     */
    public static final int SCHEMA_VERSION = 2;

    /** What kind of thing the command is for. */
    public enum Target {
        /** One rollout. */
        ROLLOUT,
        /** A release train: the command acts on all its members. */
        TRAIN
    }

    /**
     * How a release train's id begins, so one topic and one button format serve rollouts and
     * trains.
     */
    public static final String TRAIN_PREFIX = "train-";

    public enum Type {
        PROMOTE,
        ABORT,
        PAUSE,
        RESUME
    }

    public RolloutCommand {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        // a version-1 command names no target: a train's id says it is one
        if (target == null && rolloutId != null) {
            target = rolloutId.startsWith(TRAIN_PREFIX) ? Target.TRAIN : Target.ROLLOUT;
        }
    }

    /**
     * A command whose target's kind its id tells (a train's id starts with {@value #TRAIN_PREFIX}).
     */
    public RolloutCommand(
            int schemaVersion,
            String commandId,
            String rolloutId,
            Type type,
            String actor,
            String source,
            String reason,
            Instant issuedAt) {
        this(schemaVersion, commandId, rolloutId, type, actor, source, reason, issuedAt, null);
    }

    public boolean forTrain() {
        return target == Target.TRAIN;
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
