package dev.glide.analysis.judge;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The error-rate comparison as an exact group-sequential test ({@link ConditionalPath}): at each
 * look the canary's errors so far against a boundary set by the exact law of their path given each
 * window's errors in all, so every look spends what the design allows by then and no more, and what
 * the discrete counts of a quiet canary leave unspent goes to the later looks instead of being
 * lost. The default error-rate judge: at a 5 % canary share, testing each look at a fixed level (as
 * {@link FisherMidPJudge} does) falsely aborted about half as often as alpha allows and caught
 * fewer regressions for it ({@code bench/analysis-judges.sh}). Counts too large to convolve exactly
 * (where discreteness no longer matters) are tested as {@link FisherMidPJudge} tests them.
 */
@ApplicationScoped
public class FisherSequentialJudge extends ErrorRateJudge {

    @Override
    public String type() {
        return "fisher-sequential";
    }

    @Override
    ConditionalPath.Test test(Look look, double alphaShare) {
        List<WindowPair> windows = look.windows();
        if (ConditionalPath.tooLarge(windows)) {
            return super.test(look, alphaShare);
        }
        return ConditionalPath.at(
                windows, byEvidence(windows, look.spentBy(alphaShare), look.planned()));
    }

    /**
     * The canary's expected errors so far (if it failed like the baseline) from which an early look
     * spends all the design gives it.
     */
    static final double FULL_SPENDING_ERRORS = 20;

    /**
     * The design's spending by each look ({@code spentBy}), with each look before the last planned
     * one scaled by the evidence so far: the errors the canary would have had by then if it failed
     * like the baseline (each window's errors in all times the canary's share of its requests),
     * over {@link #FULL_SPENDING_ERRORS}, at most 1. A look with little evidence could stop almost
     * nothing (2x errors show at a tenth of the budget only once some twenty are expected), so what
     * it spends there would be lost to the last look, where a quiet canary's regressions are found;
     * the last look spends the rest, whatever came before. The evidence is a function of the
     * windows' errors in all, which the test's law is conditioned on, so the test stays exact.
     */
    static double[] byEvidence(List<WindowPair> windows, double[] spentBy, int planned) {
        double[] scaled = spentBy.clone();
        double expected = 0;
        for (int j = 0; j < scaled.length && j < planned - 1; j++) {
            WindowPair window = windows.get(j);
            long requests = window.canary().requests() + window.baseline().requests();
            if (requests > 0) {
                expected +=
                        (double) (window.canary().errors() + window.baseline().errors())
                                * window.canary().requests()
                                / requests;
            }
            scaled[j] = spentBy[j] * Math.min(1, expected / FULL_SPENDING_ERRORS);
        }
        return scaled;
    }

    @Override
    double pValue(Sample baseline, Sample canary) {
        return midP(baseline, canary);
    }
}
