package dev.glide.analysis.judge;

import dev.glide.contract.AnalysisVerdict.Check;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.Role;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The canary's error rate in the newest window against a fixed ceiling. Too little canary traffic is
 * INCONCLUSIVE: silence is not evidence of health.
 */
@ApplicationScoped
public class ThresholdJudge implements Judge {

    private final double maxErrorRate;
    private final long minRequests;

    @Inject
    ThresholdJudge(AnalysisConfig config) {
        this(config.maxErrorRate(), config.minRequests());
    }

    public ThresholdJudge(double maxErrorRate, long minRequests) {
        this.maxErrorRate = maxErrorRate;
        this.minRequests = minRequests;
    }

    @Override
    public String name() {
        return "threshold";
    }

    @Override
    public Judgement judge(List<TrafficMetrics> windows) {
        TrafficMetrics newest = windows.get(windows.size() - 1);
        VersionWindow canary = newest.of(Role.CANARY);
        VersionWindow baseline = newest.of(Role.STABLE);
        long canaryRequests = canary == null ? 0 : canary.requests();
        Double baselineRate = baseline == null ? null : baseline.errorRate();
        if (canaryRequests < minRequests) {
            Check check = new Check("error-rate", name(), baselineRate, canary == null ? null : canary.errorRate(),
                    null, null, maxErrorRate, false,
                    "only " + canaryRequests + " canary requests; at least " + minRequests + " are needed");
            return new Judgement(Verdict.INCONCLUSIVE, 50, List.of(check), check.detail());
        }
        double rate = canary.errorRate();
        boolean passed = rate <= maxErrorRate;
        Check check = new Check("error-rate", name(), baselineRate, rate, null, null, maxErrorRate, passed,
                String.format("canary error rate %.2f %% %s the ceiling of %.2f %%", rate * 100,
                        passed ? "is within" : "exceeds", maxErrorRate * 100));
        // A failing canary scores under 50, lower the further it is past the ceiling (twice the ceiling: 49, 4x: 25).
        int score = passed ? 100 : (int) Math.min(49, Math.round(100 * maxErrorRate / rate));
        return new Judgement(passed ? Verdict.PASS : Verdict.FAIL, score, List.of(check), check.detail());
    }
}
