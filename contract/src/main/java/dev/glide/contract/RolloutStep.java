package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
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
 * @param arms an experiment's arms, control first (the same version as {@code stable}), then its
 *     variants; empty for a rollout. With arms, a gateway places each user in one arm by the arms'
 *     rules, else by the user's sticky bucket over the arms' percents; {@code weights} is then the
 *     control's share against all variants'
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
        @Valid Mirror mirror,
        List<@NotNull @Valid Arm> arms)
        implements KeyedEvent {

    public static final int SCHEMA_VERSION = 1;

    public RolloutStep {
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
        matchRules = matchRules == null ? List.of() : List.copyOf(matchRules);
        arms = arms == null ? List.of() : List.copyOf(arms);
    }

    /** A step of a rollout (no experiment arms). */
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
            Instant emittedAt,
            Mirror mirror) {
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
                mirror,
                null);
    }

    /**
     * A step that serves every user the stable version again (an abort's, a rollback's): no weight,
     * rule, mirror or experiment arm sends anyone to the new version.
     */
    @Override
    @JsonIgnore
    public boolean urgent() {
        return weights != null
                && weights.canary() == 0
                && matchRules.isEmpty()
                && mirror == null
                && arms.isEmpty();
    }

    /** An experiment's arms: the control first, and the shares adding up to 100. */
    @JsonIgnore
    @AssertTrue(
            message =
                    "arms: an experiment needs a control (the stable version, first) and at least"
                            + " one variant, distinct versions, and percents adding up to 100")
    public boolean isArmsConsistent() {
        if (arms == null || arms.isEmpty()) {
            return true;
        }
        if (arms.size() < 2 || stable == null || !arms.get(0).version().equals(stable.version())) {
            return false;
        }
        if (arms.stream().map(Arm::version).distinct().count() != arms.size()) {
            return false;
        }
        return Math.abs(arms.stream().mapToDouble(Arm::percent).sum() - 100) <= 0.01;
    }

    /** The same step placing users in these arms (control first). */
    public RolloutStep withArms(List<Arm> experimentArms) {
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
                mirror,
                experimentArms);
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
                copies,
                arms);
    }

    @Override
    public String recordKey() {
        return rolloutId;
    }
}
