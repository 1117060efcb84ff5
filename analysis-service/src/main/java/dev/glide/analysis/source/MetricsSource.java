package dev.glide.analysis.source;

import dev.glide.analysis.judge.WindowPair;
import dev.glide.contract.seam.Typed;
import java.time.Instant;
import java.util.Optional;

/** Where analysis windows come from: one implementation per kind of source, chosen by name. */
public interface MetricsSource extends Typed {

    /** The name configuration uses to choose this source. */
    String type();

    /** What the baseline and the canary served in {@code (from, to]}. */
    WindowPair collect(AnalysedRollout rollout, Instant from, Instant to) throws SourceException;

    /**
     * Whether the source has heard about the rollout up to {@code end}: false while its metrics may
     * still be on their way. A source that is asked (a query API) knows at once.
     */
    default boolean heardUntil(AnalysedRollout rollout, Instant end) {
        return true;
    }

    /**
     * An experiment's goal for one version from {@code since} to {@code at} as this source counts
     * it ({@code [units, conversions]}), or empty when the source does not count that goal (the
     * gateways' own counts are then used).
     */
    default Optional<long[]> goal(
            AnalysedRollout rollout, String version, String goal, Instant since, Instant at)
            throws SourceException {
        return Optional.empty();
    }
}
