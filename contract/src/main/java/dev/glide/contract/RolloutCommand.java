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
        Instant issuedAt)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

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
    }

    public boolean forTrain() {
        return rolloutId.startsWith(TRAIN_PREFIX);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
