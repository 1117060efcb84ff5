package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * Is the canary's error rate higher than the baseline's? A two-proportion comparison on everything
 * served so far, by Fisher's exact test (one-sided): given how many errors there were in all, how
 * likely is it that the canary got at least as many of them as it did, if both versions failed
 * alike? Exact rather than the z-test's normal approximation, because errors are rare and a
 * z-test's tail is wrong at small counts. A FAIL needs the test to reject at this look's level and
 * the canary's rate to be at least {@code minErrorIncrease} above the baseline's (significant and
 * large enough to matter).
 */
@ApplicationScoped
public class ErrorRateJudge implements Judge {

    @Override
    public String type() {
        return "fisher-exact";
    }

    @Override
    public boolean compares() {
        return true;
    }

    @Override
    public List<Finding> judge(Look look, double level) {
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
                                    level,
                                    false,
                                    "no "
                                            + (baseline.requests() == 0 ? "baseline" : "canary")
                                            + " traffic to compare"),
                            Status.INCONCLUSIVE));
        }
        double p = pValue(baseline, canary);
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
     * P(canary errors >= observed) under "both fail alike", by the hypergeometric law of Fisher's
     * test.
     */
    static double pValue(Sample baseline, Sample canary) {
        long population = baseline.requests() + canary.requests();
        long errors = baseline.errors() + canary.errors();
        if (errors == 0) {
            return 1;
        }
        if (population > Integer.MAX_VALUE) {
            // Scale both sides down alike: the test is about shares, and the counts stay in the
            // billions.
            double scale = (double) Integer.MAX_VALUE / population;
            return pValue(
                    Sample.counts(
                            Math.round(baseline.requests() * scale),
                            Math.round(baseline.errors() * scale)),
                    Sample.counts(
                            Math.round(canary.requests() * scale),
                            Math.round(canary.errors() * scale)));
        }
        HypergeometricDistribution law =
                new HypergeometricDistribution(
                        null, (int) population, (int) errors, (int) canary.requests());
        return law.upperCumulativeProbability((int) canary.errors());
    }
}
