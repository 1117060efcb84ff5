package dev.glide.bench;

import dev.glide.analysis.judge.Sample;
import dev.glide.analysis.judge.WindowPair;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.apache.commons.math3.stat.ranking.NaturalRanking;

/**
 * The plain judge Glide's sequential one is measured against, as Kayenta-style analyses judge:
 * once, after all windows, a pooled two-proportion z-test on errors and a Mann-Whitney U test on
 * latency, both one-sided (only worse is a regression), Bonferroni over the two (each at alpha /
 * 2). No minimum effect, no early look.
 */
final class FixedHorizonReference {

    static final String DESCRIPTION =
            "after the last window only: pooled two-proportion z-test on errors and Mann-Whitney U"
                    + " on latency, one-sided, Bonferroni over the two (alpha / 2 each)";

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final double alpha;
    private final MannWhitneyUTest mannWhitney = new MannWhitneyUTest();

    FixedHorizonReference(double alpha) {
        this.alpha = alpha;
    }

    boolean fails(List<WindowPair> windows) {
        Sample baseline = pooled(windows, false);
        Sample canary = pooled(windows, true);
        return errorsP(baseline, canary) <= alpha / 2 || latencyP(baseline, canary) <= alpha / 2;
    }

    /**
     * Where the z-test rejects these windows' errors, its real level at their totals: under "both
     * versions fail alike", given the errors seen in all, the chance that the canary got a share of
     * them the z-test rejects (Fisher's law, everything pooled). Above alpha / 2, the z-test
     * rejects such tables more often than its level says. Empty when it does not reject the errors.
     */
    OptionalDouble errorsLevelAtTotals(List<WindowPair> windows) {
        Sample baseline = pooled(windows, false);
        Sample canary = pooled(windows, true);
        if (errorsP(baseline, canary) > alpha / 2) {
            return OptionalDouble.empty();
        }
        long errors = baseline.errors() + canary.errors();
        HypergeometricDistribution law =
                new HypergeometricDistribution(
                        null,
                        (int) (baseline.requests() + canary.requests()),
                        (int) errors,
                        (int) canary.requests());
        // The z statistic grows with the canary's share of the errors: the first count it rejects
        // bounds the region.
        int lowest = (int) canary.errors();
        while (lowest > law.getSupportLowerBound()
                && errorsP(
                                Sample.counts(baseline.requests(), errors - (lowest - 1)),
                                Sample.counts(canary.requests(), lowest - 1))
                        <= alpha / 2) {
            lowest--;
        }
        return OptionalDouble.of(law.upperCumulativeProbability(lowest));
    }

    private static Sample pooled(List<WindowPair> windows, boolean canary) {
        return windows.stream()
                .map(canary ? WindowPair::canary : WindowPair::baseline)
                .reduce(Sample.counts(0, 0), Sample::plus);
    }

    static double errorsP(Sample baseline, Sample canary) {
        double pooled =
                (double) (baseline.errors() + canary.errors())
                        / (baseline.requests() + canary.requests());
        double se =
                Math.sqrt(
                        pooled
                                * (1 - pooled)
                                * (1.0 / baseline.requests() + 1.0 / canary.requests()));
        if (se == 0) {
            return 1;
        }
        double z = (canary.errorRate() - baseline.errorRate()) / se;
        return 1 - NORMAL.cumulativeProbability(z);
    }

    private double latencyP(Sample baseline, Sample canary) {
        if (baseline.latencyMs().isEmpty() || canary.latencyMs().isEmpty()) {
            return 1;
        }
        double[] x = canary.latencyMs().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = baseline.latencyMs().stream().mapToDouble(Double::doubleValue).toArray();
        double twoSided = mannWhitney.mannWhitneyUTest(x, y);
        // The canary's U above half of all pairs: the canary is the slower one.
        boolean slower = canaryU(x, y) > (double) x.length * y.length / 2;
        return slower ? twoSided / 2 : 1 - twoSided / 2;
    }

    /** The canary's U: pairs in which the canary's sample is the larger (ties count half). */
    private static double canaryU(double[] x, double[] y) {
        double[] all = new double[x.length + y.length];
        System.arraycopy(x, 0, all, 0, x.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        double[] ranks = new NaturalRanking().rank(all);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += ranks[i];
        }
        return sum - (double) x.length * (x.length + 1) / 2;
    }
}
