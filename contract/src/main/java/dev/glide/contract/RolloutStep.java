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
 * The desired traffic state of one step of a rollout, on {@link Topics#ROLLOUT_STEPS}. It is the
 * whole state, not a delta, so applying the newest step is always enough and an older one is simply
 * ignored.
 *
 * @param sequence increases with every step of one rollout; consumers are idempotent on (rolloutId,
 *     sequence)
 * @param stickyKey the header or cookie naming a user, who then keeps one version while the weights
 *     hold
 * @param mirror copies of requests the canary gets while users get the other side's answers, or
 *     null
 */
public record RolloutStep(
        @Min(1) @Max(SCHEMA_VERSION) int schemaVersion,
        @NotBlank String rolloutId,
        @Positive long sequence,
        @NotBlank String service,
        @NotBlank String environment,
        @NotNull @Valid Backend stable,
        @NotNull @Valid Backend canary,
        @NotNull @Valid Weights weights,
        List<@NotNull @Valid MatchRule> matchRules,
        @NotNull @Valid GatewayBinding gateway,
        String stickyKey,
        Instant emittedAt,
        @Valid Mirror mirror)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public RolloutStep {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        matchRules = matchRules == null ? List.of() : List.copyOf(matchRules);
    }

    /** A step without mirroring. */
    public RolloutStep(
            int schemaVersion,
            String rolloutId,
            long sequence,
            String service,
            String environment,
            Backend stable,
            Backend canary,
            Weights weights,
            List<MatchRule> matchRules,
            GatewayBinding gateway,
            String stickyKey,
            Instant emittedAt) {
        this(
                schemaVersion,
                rolloutId,
                sequence,
                service,
                environment,
                stable,
                canary,
                weights,
                matchRules,
                gateway,
                stickyKey,
                emittedAt,
                null);
    }

    /** This step, sending {@code copies} of requests to the canary as well (or none, when null). */
    public RolloutStep withMirror(Mirror copies) {
        return new RolloutStep(
                schemaVersion,
                rolloutId,
                sequence,
                service,
                environment,
                stable,
                canary,
                weights,
                matchRules,
                gateway,
                stickyKey,
                emittedAt,
                copies);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
