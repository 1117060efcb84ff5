package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fixed bounds on the canary's newest window: error rate at most {@code maxErrorRate}, p99 at most
 * {@code maxP99Ms}, each custom value within its bounds. A window with fewer than {@code
 * minWindowRequests} canary requests says nothing (INCONCLUSIVE): silence is not evidence of
 * health.
 */
@ApplicationScoped
public class ThresholdJudge implements Judge {

    @Override
    public String type() {
        return "threshold";
    }

    @Override
    public boolean compares() {
        return false;
    }

    @Override
    public List<Finding> judge(Look look, double alphaShare) {
        Criteria criteria = look.criteria();
        Sample canary = look.newest().canary();
        Sample baseline = look.newest().baseline();
        boolean enough = canary.requests() >= criteria.minWindowRequests();
        String scarce =
                "only "
                        + canary.requests()
                        + " canary requests in window "
                        + look.index()
                        + "; at least "
                        + criteria.minWindowRequests()
                        + " are needed";
        List<Finding> findings = new ArrayList<>();
        if (criteria.maxErrorRate() != null) {
            findings.add(
                    enough
                            ? bound(
                                    "error-rate",
                                    baseline.errorRate(),
                                    canary.errorRate(),
                                    criteria.maxErrorRate(),
                                    true,
                                    "%.2f %%",
                                    100)
                            : scarce(
                                    "error-rate",
                                    baseline.errorRate(),
                                    canary.errorRate(),
                                    criteria.maxErrorRate(),
                                    scarce));
        }
        Double canaryP99 = canary.p99();
        if (criteria.maxP99Ms() != null && canaryP99 != null) {
            findings.add(
                    enough
                            ? bound(
                                    "latency-p99",
                                    baseline.p99(),
                                    canaryP99,
                                    criteria.maxP99Ms(),
                                    true,
                                    "%.0f ms",
                                    1)
                            : scarce(
                                    "latency-p99",
                                    baseline.p99(),
                                    canaryP99,
                                    criteria.maxP99Ms(),
                                    scarce));
        }
        for (Map.Entry<String, Criteria.Bounds> entry : criteria.bounds().entrySet()) {
            Double value = canary.values().get(entry.getKey());
            Double baselineValue = baseline.values().get(entry.getKey());
            if (value == null) {
                findings.add(
                        new Finding(
                                new Check(
                                        entry.getKey(),
                                        type(),
                                        baselineValue,
                                        null,
                                        null,
                                        null,
                                        null,
                                        false,
                                        "no value for "
                                                + entry.getKey()
                                                + " in window "
                                                + look.index()),
                                Status.INCONCLUSIVE));
                continue;
            }
            Criteria.Bounds bounds = entry.getValue();
            if (bounds.max() != null) {
                findings.add(
                        bound(entry.getKey(), baselineValue, value, bounds.max(), true, "%.4g", 1));
            }
            if (bounds.min() != null) {
                findings.add(
                        bound(
                                entry.getKey(),
                                baselineValue,
                                value,
                                bounds.min(),
                                false,
                                "%.4g",
                                1));
            }
        }
        return findings;
    }

    private Finding bound(
            String metric,
            Double baseline,
            double canary,
            double limit,
            boolean isCeiling,
            String format,
            double scale) {
        boolean passed = isCeiling ? canary <= limit : canary >= limit;
        String detail =
                String.format(
                        "canary %s " + format + " %s the %s of " + format,
                        metric,
                        canary * scale,
                        passed ? "is within" : isCeiling ? "exceeds" : "is below",
                        isCeiling ? "ceiling" : "floor",
                        limit * scale);
        return new Finding(
                new Check(metric, type(), baseline, canary, null, null, limit, passed, detail),
                passed ? Status.PASS : Status.FAIL);
    }

    private Finding scarce(
            String metric, Double baseline, Double canary, double limit, String detail) {
        return new Finding(
                new Check(metric, type(), baseline, canary, null, null, limit, false, detail),
                Status.INCONCLUSIVE);
    }
}
