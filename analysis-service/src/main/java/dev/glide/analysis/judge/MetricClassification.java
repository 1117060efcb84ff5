package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Criteria.MetricSpec;
import dev.glide.contract.AnalysisVerdict.Check;
import java.util.Arrays;

/**
 * One metric classified canary against baseline as Kayenta's Mann-Whitney classifier does: Nodata
 * when either side has no points; else the two-sided {@link RankSumInterval} of the shift at the
 * configured confidence, and High when the whole interval lies above {@code fraction} of the
 * Hodges-Lehmann estimate's size (Low when below its negative), in the directions the metric says
 * are worse; a High whose canary mean is less than {@code allowedIncrease} times the baseline's (or
 * a Low more than {@code allowedDecrease} times) is still Pass — significant but too small to
 * matter.
 */
public record MetricClassification(
        String metric,
        Classification classification,
        RankSumInterval interval,
        double baselineMean,
        double canaryMean,
        String reason) {

    public enum Classification {
        PASS,
        HIGH,
        LOW,
        NODATA
    }

    public static MetricClassification classify(
            String metric,
            MetricSpec spec,
            double[] canary,
            double[] baseline,
            double confidence,
            double fraction) {
        double canaryMean = mean(canary);
        double baselineMean = mean(baseline);
        if (canary.length == 0 || baseline.length == 0) {
            return new MetricClassification(
                    metric,
                    Classification.NODATA,
                    null,
                    baselineMean,
                    canaryMean,
                    "no " + (canary.length == 0 ? "canary" : "baseline") + " data for " + metric);
        }
        if (Arrays.equals(canary, baseline)) {
            return new MetricClassification(
                    metric,
                    Classification.PASS,
                    null,
                    baselineMean,
                    canaryMean,
                    metric + ": canary and baseline are the same");
        }
        RankSumInterval interval;
        try {
            interval = RankSumInterval.of(canary, baseline, confidence);
        } catch (IllegalArgumentException e) {
            return new MetricClassification(
                    metric,
                    Classification.PASS,
                    null,
                    baselineMean,
                    canaryMean,
                    metric + ": every point on both sides is the same");
        }
        double bound = fraction * Math.abs(interval.estimate());
        double ratio = ratio(canaryMean, baselineMean);
        boolean worseUp = !spec.direction().equals("decrease");
        boolean worseDown = !spec.direction().equals("increase");
        Classification classification = Classification.PASS;
        if (worseUp && interval.lower() > bound && ratio >= spec.allowedIncrease()) {
            classification = Classification.HIGH;
        } else if (worseDown && interval.upper() < -bound && ratio <= spec.allowedDecrease()) {
            classification = Classification.LOW;
        }
        String reason =
                String.format(
                        "%s %s: shift %.4g, %.0f %% interval [%.4g, %.4g] against +/-%.4g; canary mean %.4g vs baseline %.4g (x%.3g), %d and %d points",
                        metric,
                        classification.name(),
                        interval.estimate(),
                        confidence * 100,
                        interval.lower(),
                        interval.upper(),
                        bound,
                        canaryMean,
                        baselineMean,
                        ratio,
                        canary.length,
                        baseline.length);
        return new MetricClassification(
                metric, classification, interval, baselineMean, canaryMean, reason);
    }

    /**
     * What this classification means for an analysis: Pass passes; High or Low fails; Nodata says
     * nothing, unless the metric must have data; a report-only metric never fails.
     */
    public Finding.Status status(MetricSpec spec) {
        Finding.Status status =
                switch (classification) {
                    case PASS -> Finding.Status.PASS;
                    case HIGH, LOW -> Finding.Status.FAIL;
                    case NODATA ->
                            spec.mustHaveData() ? Finding.Status.FAIL : Finding.Status.INCONCLUSIVE;
                };
        return spec.reportOnly() && status == Finding.Status.FAIL ? Finding.Status.PASS : status;
    }

    /** The classification as a verdict's evidence, by {@code test}. */
    public Finding finding(MetricSpec spec, String test) {
        Finding.Status status = status(spec);
        return new Finding(
                new Check(
                        metric,
                        test,
                        finite(baselineMean),
                        finite(canaryMean),
                        interval == null ? null : interval.estimate(),
                        null,
                        null,
                        status != Finding.Status.FAIL,
                        reason),
                status);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().orElseThrow();
    }

    private static double ratio(double canary, double baseline) {
        if (baseline == 0) {
            return canary == 0 ? 1 : canary > 0 ? Double.POSITIVE_INFINITY : 0;
        }
        return canary / baseline;
    }
}
