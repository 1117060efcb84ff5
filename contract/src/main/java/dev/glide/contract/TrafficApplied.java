package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import java.util.List;

/**
 * What the gateway serves after a step, read back from the gateway itself, on {@link
 * Topics#TRAFFIC_APPLIED}.
 *
 * @param sequence the step this answers
 * @param served the weights read back (null when the step failed and nothing could be read)
 * @param reason why the step failed, or a note on what was done (e.g. drift corrected)
 */
public record TrafficApplied(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String rolloutId,
        @Positive long sequence,
        @NotBlank String service,
        @NotNull Outcome outcome,
        @Valid Weights served,
        List<@NotNull @Valid MatchRule> servedMatchRules,
        @NotBlank String adapter,
        String reason,
        Instant appliedAt)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    /**
     * The read-back of a gateway serving every user the stable version (an abort's): what waits on
     * it (a rollout's end, a train's next level down) goes ahead of other rollouts' inputs.
     */
    @Override
    @JsonIgnore
    public boolean urgent() {
        return outcome == Outcome.APPLIED
                && served != null
                && served.canary() == 0
                && (servedMatchRules == null || servedMatchRules.isEmpty());
    }

    public enum Outcome {
        APPLIED,
        FAILED,
        /**
         * Not an answer to a step: a reconcile found the gateway serving {@code served} instead of
         * step {@code sequence} and, the binding's drift policy being {@code report}, changed
         * nothing; {@code reason} says what was found.
         */
        DRIFTED
    }

    public TrafficApplied {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        servedMatchRules = servedMatchRules == null ? List.of() : List.copyOf(servedMatchRules);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
