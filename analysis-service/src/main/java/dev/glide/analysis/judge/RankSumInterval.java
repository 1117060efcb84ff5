package dev.glide.analysis.judge;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The two-sided confidence interval for the shift in location between the canary and the baseline
 * (canary minus baseline) that the Wilcoxon rank-sum (Mann-Whitney) test gives, and the
 * Hodges-Lehmann estimate of that shift — computed as R's {@code wilcox.test(canary, baseline,
 * conf.int = TRUE)} does in its asymptotic case, which is what Kayenta's judge uses and what its
 * published cases were checked against: the bounds are the shifts {@code d} at which the
 * normal-approximated statistic of {@code canary - d} against the baseline (continuity corrected,
 * ties corrected) equals the two-sided quantiles, found by Brent's root finder with R's tolerance
 * (1e-4); the estimate is the shift at which it equals 0 (no continuity correction). A bound that
 * no shift inside the data's range reaches is the range's end.
 */
public record RankSumInterval(double lower, double upper, double estimate) {

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    private static final double TOLERANCE = 1e-4;
    private static final int MAX_ITERATIONS = 1000;

    /**
     * The interval at {@code confidence} (e.g. 0.95) for {@code canary - baseline}.
     *
     * @throws IllegalArgumentException when either side is empty or every value is the same (no
     *     ranking can tell them apart)
     */
    public static RankSumInterval of(double[] canary, double[] baseline, double confidence) {
        if (canary.length == 0 || baseline.length == 0) {
            throw new IllegalArgumentException("both sides need at least one value");
        }
        double lowest = Arrays.stream(canary).min().orElseThrow();
        double highest = Arrays.stream(canary).max().orElseThrow();
        double min = lowest - Arrays.stream(baseline).max().orElseThrow();
        double max = highest - Arrays.stream(baseline).min().orElseThrow();
        double quantile = NORMAL.inverseCumulativeProbability((1 - confidence) / 2);
        double lower = root(d -> standardised(canary, baseline, d, true) + quantile, min, max);
        double upper = root(d -> standardised(canary, baseline, d, true) - quantile, min, max);
        double estimate = zeroin(d -> standardised(canary, baseline, d, false), min, max);
        return new RankSumInterval(lower, upper, estimate);
    }

    /** The root of a decreasing step function in [min, max], or the end it never gets past. */
    private static double root(DoubleUnaryOperator f, double min, double max) {
        if (f.applyAsDouble(min) <= 0) {
            return min;
        }
        if (f.applyAsDouble(max) >= 0) {
            return max;
        }
        return zeroin(f, min, max);
    }

    /**
     * The rank-sum statistic of {@code canary - shift} against the baseline, centred and divided by
     * its standard deviation under no difference (with the ties' correction), less a half for
     * continuity when asked.
     */
    static double standardised(double[] canary, double[] baseline, double shift, boolean correct) {
        int n = canary.length;
        int m = baseline.length;
        double[] all = new double[n + m];
        for (int i = 0; i < n; i++) {
            all[i] = canary[i] - shift;
        }
        System.arraycopy(baseline, 0, all, n, m);
        double[] ranks = new NaturalRanking(NaNStrategy.MAXIMAL, TiesStrategy.AVERAGE).rank(all);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ranks[i];
        }
        double dz = sum - n * (n + 1.0) / 2 - n * (double) m / 2;
        Map<Double, Integer> ties = new HashMap<>();
        for (double rank : ranks) {
            ties.merge(rank, 1, Integer::sum);
        }
        double tieSum = 0;
        for (int t : ties.values()) {
            tieSum += (double) t * t * t - t;
        }
        double sigma =
                Math.sqrt(
                        (n * (double) m / 12)
                                * ((n + m + 1) - tieSum / ((n + m) * (double) (n + m - 1))));
        if (sigma == 0) {
            throw new IllegalArgumentException(
                    "every value is the same: no interval can be computed");
        }
        double correction = correct ? Math.signum(dz) * 0.5 : 0;
        return (dz - correction) / sigma;
    }

    /**
     * Brent's root finder as R's {@code uniroot} runs it (its C {@code zeroin}): the same steps
     * give the same approximate root of a step function, which is what makes the bounds agree with
     * R's to far better than the tolerance.
     */
    private static double zeroin(DoubleUnaryOperator f, double ax, double bx) {
        double a = ax;
        double b = bx;
        double fa = f.applyAsDouble(a);
        double fb = f.applyAsDouble(b);
        double c = a;
        double fc = fa;
        if (fa == 0) {
            return a;
        }
        if (fb == 0) {
            return b;
        }
        for (int iteration = 0; iteration <= MAX_ITERATIONS; iteration++) {
            double previousStep = b - a;
            if (Math.abs(fc) < Math.abs(fb)) {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }
            double tolerance = 2 * Math.ulp(1.0) * Math.abs(b) + TOLERANCE / 2;
            double step = (c - b) / 2;
            if (Math.abs(step) <= tolerance || fb == 0) {
                return b;
            }
            if (Math.abs(previousStep) >= tolerance && Math.abs(fa) > Math.abs(fb)) {
                double p;
                double q;
                double cb = c - b;
                if (a == c) {
                    double t1 = fb / fa;
                    p = cb * t1;
                    q = 1 - t1;
                } else {
                    double qa = fa / fc;
                    double t1 = fb / fc;
                    double t2 = fb / fa;
                    p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
                    q = (qa - 1) * (t1 - 1) * (t2 - 1);
                }
                if (p > 0) {
                    q = -q;
                } else {
                    p = -p;
                }
                if (p < 0.75 * cb * q - Math.abs(tolerance * q) / 2
                        && p < Math.abs(previousStep * q / 2)) {
                    step = p / q;
                }
            }
            if (Math.abs(step) < tolerance) {
                step = step > 0 ? tolerance : -tolerance;
            }
            a = b;
            fa = fb;
            b += step;
            fb = f.applyAsDouble(b);
            if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
                c = a;
                fc = fa;
            }
        }
        return b;
    }
}
