package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Is the canary slower than the baseline? The Mann-Whitney U test on every latency sample so far
 * (as Kayenta's judge does): rank-based, so it needs no assumption on the shape of latency and one
 * slow outlier cannot swing it. One-sided (only slower is a regression), from commons-math's
 * two-sided p-value and the direction of the medians. A FAIL needs the test to reject at this
 * look's level and the canary's median to be at least {@code minLatencyIncrease} above the
 * baseline's and at least {@value #MIN_ABSOLUTE_INCREASE_MS} ms (a service answering in 1.5 ms is
 * not regressed by a canary answering in 3.5 ms on fresh connections). Sources without samples
 * (Prometheus aggregates) are left to the p99 threshold.
 */
@ApplicationScoped
public class LatencyJudge implements Judge {

    /** Fewer samples than this on either side is too little for a rank test. */
    static final int MIN_SAMPLES = 20;

    /** A rise of the median smaller than this is not a regression, however significant. */
    static final double MIN_ABSOLUTE_INCREASE_MS = 5;

    private final MannWhitneyUTest test = new MannWhitneyUTest();

    @Override
    public String type() {
        return "mann-whitney-u";
    }

    @Override
    public boolean compares() {
        return true;
    }

    @Override
    public List<Finding> judge(Look look, double alphaShare) {
        double level = look.level(alphaShare);
        Sample baseline = look.baselineSoFar();
        Sample canary = look.canarySoFar();
        if (baseline.latencyMs().isEmpty() && canary.latencyMs().isEmpty()) {
            return List.of();
        }
        if (baseline.latencyMs().size() < MIN_SAMPLES || canary.latencyMs().size() < MIN_SAMPLES) {
            return List.of(
                    new Finding(
                            new Check(
                                    "latency",
                                    type(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    level,
                                    false,
                                    String.format(
                                            "%d baseline and %d canary latency samples; at least %d each are needed",
                                            baseline.latencyMs().size(),
                                            canary.latencyMs().size(),
                                            MIN_SAMPLES)),
                            Status.INCONCLUSIVE));
        }
        double[] x = toArray(canary.latencyMs());
        double[] y = toArray(baseline.latencyMs());
        double baselineMedian = Sample.percentile(baseline.latencyMs(), 50);
        double canaryMedian = Sample.percentile(canary.latencyMs(), 50);
        double u = test.mannWhitneyU(x, y);
        double twoSided = test.mannWhitneyUTest(x, y);
        double p = canaryMedian > baselineMedian ? twoSided / 2 : 1 - twoSided / 2;
        boolean larger =
                canaryMedian >= baselineMedian * (1 + look.criteria().minLatencyIncrease())
                        && canaryMedian - baselineMedian >= MIN_ABSOLUTE_INCREASE_MS;
        boolean regression = larger && p <= level;
        String detail =
                String.format(
                        "canary median %.1f ms against baseline %.1f ms (%+.1f %%), %d and %d samples: p = %.3g %s level %.3g",
                        canaryMedian,
                        baselineMedian,
                        100 * (canaryMedian / baselineMedian - 1),
                        x.length,
                        y.length,
                        p,
                        p <= level ? "within" : "above",
                        level);
        Check check =
                new Check(
                        "latency",
                        type(),
                        baselineMedian,
                        canaryMedian,
                        u,
                        p,
                        level,
                        !regression,
                        detail);
        return List.of(new Finding(check, regression ? Status.FAIL : Status.PASS));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
