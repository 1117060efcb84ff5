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
        return ConditionalPath.at(windows, look.spentBy(alphaShare));
    }

    @Override
    double pValue(Sample baseline, Sample canary) {
        return midP(baseline, canary);
    }
}
