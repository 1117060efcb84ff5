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
 * @param actor     who gave it (a team token's name, a Slack user), recorded in the rollout's log
 * @param source    where it came from: api, slack, kafka, cli
 */
public record RolloutCommand(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String commandId,
        @NotBlank String rolloutId,
        @NotNull Type type,
        @NotBlank String actor,
        String source,
        String reason,
        Instant issuedAt) implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public enum Type {
        PROMOTE,
        ABORT,
        PAUSE,
        RESUME
    }

    public RolloutCommand {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
