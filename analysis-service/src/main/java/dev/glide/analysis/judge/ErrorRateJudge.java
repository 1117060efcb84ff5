package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import java.util.List;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * Is the canary's error rate higher than the baseline's? A two-proportion comparison on everything
 * served so far, conditional on the errors seen in all as Fisher's test is: given how many errors
 * there were, how likely is it that the canary got as many of them as it did, if both versions
 * failed alike? The hypergeometric law rather than the z-test's normal approximation, because
 * errors are rare and a z-test's upper tail is too thin at small counts (it rejects far more often
 * than its level says: twice as often at a 5 % canary share and 0.2-0.5 % errors, in {@code
 * bench/analysis-judges.sh}). A FAIL needs the test to reject at this look's level and the canary's
 * rate to be at least {@code minErrorIncrease} above the baseline's (significant and large enough
 * to matter). The two implementations differ in how they count the observed table itself: wholly
 * (exact) or half (mid-p).
 */
public abstract class ErrorRateJudge implements Judge {

    @Override
    public boolean compares() {
        return true;
    }

    @Override
    public List<Finding> judge(Look look, double alphaShare) {
        Sample baseline = look.baselineSoFar();
        Sample canary = look.canarySoFar();
        if (baseline.requests() == 0 || canary.requests() == 0) {
            return List.of(
                    new Finding(
                            new Check(
                                    "error-rate",
                                    type(),
                                    baseline.errorRate(),
                                    canary.errorRate(),
                                    null,
                                    null,
                                    look.level(alphaShare),
                                    false,
                                    "no "
                                            + (baseline.requests() == 0 ? "baseline" : "canary")
                                            + " traffic to compare"),
                            Status.INCONCLUSIVE));
        }
        ConditionalPath.Test test = test(look, alphaShare);
        double p = test.p();
        double level = test.level();
        boolean larger =
                canary.errorRate()
                        > baseline.errorRate() * (1 + look.criteria().minErrorIncrease());
        boolean regression = larger && p <= level;
        String detail =
                String.format(
                        "canary %d errors in %d (%.3f %%) against baseline %d in %d (%.3f %%): p = %.3g %s level %.3g",
                        canary.errors(),
                        canary.requests(),
                        canary.errorRate() * 100,
                        baseline.errors(),
                        baseline.requests(),
                        baseline.errorRate() * 100,
                        p,
                        p <= level ? "within" : "above",
                        level);
        Check check =
                new Check(
                        "error-rate",
                        type(),
                        baseline.errorRate(),
                        canary.errorRate(),
                        (double) canary.errors(),
                        p,
                        level,
                        !regression,
                        detail);
        return List.of(new Finding(check, regression ? Status.FAIL : Status.PASS));
    }

    /**
     * The one-sided p-value of the canary's errors against the baseline's at this look, and the
     * level it is held to.
     */
    ConditionalPath.Test test(Look look, double alphaShare) {
        return new ConditionalPath.Test(
                pValue(look.baselineSoFar(), look.canarySoFar()), look.level(alphaShare));
    }

    /** The one-sided p-value of everything so far, pooled, against this look's level. */
    abstract double pValue(Sample baseline, Sample canary);

    /** Fisher's test with mid-p, one-sided (1 when there were no errors at all). */
    static double midP(Sample baseline, Sample canary) {
        Conditional conditional = conditional(baseline, canary);
        return conditional == null ? 1 : conditional.midP();
    }

    /**
     * Fisher's law of the canary's errors given the errors in all, or null when there were none
     * (nothing to test).
     */
    static Conditional conditional(Sample baseline, Sample canary) {
        long population = baseline.requests() + canary.requests();
        long errors = baseline.errors() + canary.errors();
        if (errors == 0) {
            return null;
        }
        if (population > Integer.MAX_VALUE) {
            // Scale both sides down alike: the test is about shares, and the counts stay in the
            // billions.
            double scale = (double) Integer.MAX_VALUE / population;
            return conditional(
                    Sample.counts(
                            Math.round(baseline.requests() * scale),
                            Math.round(baseline.errors() * scale)),
                    Sample.counts(
                            Math.round(canary.requests() * scale),
                            Math.round(canary.errors() * scale)));
        }
        return new Conditional(
                new HypergeometricDistribution(
                        null, (int) population, (int) errors, (int) canary.requests()),
                (int) canary.errors());
    }

    /** The canary's share of the errors under "both fail alike", and what it got. */
    record Conditional(HypergeometricDistribution law, int observed) {

        /** P(X >= observed). */
        double atLeast() {
            return law.upperCumulativeProbability(observed);
        }

        /** P(X > observed) + P(X = observed) / 2. */
        double midP() {
            return atLeast() - law.probability(observed) / 2;
        }
    }
}
