package dev.glide.analysis.judge;

import java.util.List;

/**
 * One method of judging a canary (thresholds, an error-rate test, a latency test): one
 * implementation each.
 */
public interface Judge {

    /** The method's name, as it appears in a verdict's evidence. */
    String name();

    /**
     * The share of the analysis's false-abort budget (alpha) this method spends, 0 for a method
     * that tests no hypothesis (thresholds). The shares of all methods add up to 1.
     */
    double alphaShare();

    default boolean isComparison() {
        return alphaShare() > 0;
    }

    /**
     * Its findings at this look; empty when it has nothing to say (no data of its kind, not asked
     * for).
     */
    List<Finding> judge(Look look);
}
