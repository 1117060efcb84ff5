package dev.glide.analysis.judge;

import dev.glide.contract.seam.Typed;
import java.util.List;

/**
 * One method of judging a canary (thresholds, an error-rate test, a latency test): one bean each,
 * chosen by {@code glide.analysis.judges}.
 */
public interface Judge extends Typed {

    /** The method's name, as configuration chooses it and a verdict's evidence shows it. */
    @Override
    String type();

    /**
     * True for a method that tests canary against baseline (a hypothesis test that spends a share
     * of the analysis's false-abort budget, {@code glide.analysis.alpha-shares}); false for one
     * that holds the canary to fixed bounds.
     */
    boolean compares();

    /**
     * Its findings at this look; empty when it has nothing to say (no data of its kind, not asked
     * for). {@code alphaShare}: the share of the analysis's alpha a comparison spends over all its
     * looks (0 for a method that does not compare); {@link Look#level} is what it tests at on this
     * look, {@link Look#spentBy} what all looks so far may spend together.
     */
    List<Finding> judge(Look look, double alphaShare);
}
