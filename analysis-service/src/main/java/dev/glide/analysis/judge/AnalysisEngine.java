package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges an analysis window by window, the same way live (one verdict per interval) and offline (a
 * whole scenario at once):
 *
 * <ol>
 *   <li>any comparison that rejects at this look's level ({@link AlphaSpending}) is a FAIL at once:
 *       the evidence is already clear, so a bad canary is stopped in the first windows;
 *   <li>a threshold failing in {@code consecutiveFailures} windows in a row is a FAIL;
 *   <li>otherwise, a canary that has served fewer than its share of {@code minRequests} so far
 *       ({@code minRequests * k / K} after window k of K) is INCONCLUSIVE — too little traffic
 *       never passes;
 *   <li>otherwise PASS: nothing found so far.
 * </ol>
 *
 * The score is 0-49 for FAIL, 50 for INCONCLUSIVE and 51-100 for PASS, within each band by the
 * share of checks that passed (an inconclusive check counting half).
 */
public final class AnalysisEngine {

    private final List<Judge> judges =
            List.of(new ThresholdJudge(), new ErrorRateJudge(), new LatencyJudge());

    /**
     * The judgement after the newest of {@code soFar} (window {@code soFar.size()} of {@code
     * planned}).
     */
    public WindowJudgement judgeWindow(
            List<WindowPair> soFar, int planned, Criteria criteria, int thresholdFailuresBefore) {
        int k = soFar.size();
        Look look = new Look(soFar, planned, criteria);
        List<Finding> findings = new ArrayList<>();
        boolean comparisonFailed = false;
        boolean thresholdFailed = false;
        boolean thresholdPassed = false;
        for (Judge judge : judges) {
            if (judge.isComparison()
                    && (!criteria.compare() || look.level(judge.alphaShare()) == 0)) {
                continue;
            }
            for (Finding finding : judge.judge(look)) {
                findings.add(finding);
                comparisonFailed |= judge.isComparison() && finding.status() == Status.FAIL;
                thresholdFailed |= !judge.isComparison() && finding.status() == Status.FAIL;
                thresholdPassed |= !judge.isComparison() && finding.status() == Status.PASS;
            }
        }
        int streak =
                thresholdFailed
                        ? thresholdFailuresBefore + 1
                        : thresholdPassed ? 0 : thresholdFailuresBefore;
        long canaryRequests = look.canarySoFar().requests();
        double needed =
                (double) criteria.minRequests() * Math.min(k, planned) / Math.max(planned, 1);
        Verdict verdict;
        String summary;
        if (comparisonFailed) {
            verdict = Verdict.FAIL;
            summary = firstDetail(findings, Status.FAIL, true);
        } else if (streak >= criteria.consecutiveFailures()) {
            verdict = Verdict.FAIL;
            summary =
                    firstDetail(findings, Status.FAIL, false)
                            + (criteria.consecutiveFailures() > 1
                                    ? " (" + streak + " windows in a row)"
                                    : "");
        } else if (canaryRequests < needed) {
            verdict = Verdict.INCONCLUSIVE;
            summary =
                    String.format(
                            "only %d canary requests after window %d; at least %.0f are needed",
                            canaryRequests, k, Math.ceil(needed));
        } else {
            verdict = Verdict.PASS;
            summary =
                    "no regression found after window "
                            + k
                            + " ("
                            + canaryRequests
                            + " canary requests)";
        }
        return new WindowJudgement(verdict, score(verdict, findings), findings, summary, streak);
    }

    /** A whole scenario: window by window until a FAIL (sequential) or to the end. */
    public Result judge(List<WindowPair> windows, Criteria criteria) {
        int streak = 0;
        WindowJudgement last = null;
        for (int k = 1; k <= windows.size(); k++) {
            last = judgeWindow(windows.subList(0, k), windows.size(), criteria, streak);
            streak = last.thresholdFailures();
            if (last.verdict() == Verdict.FAIL) {
                return new Result(last.verdict(), k, last.score(), last.checks(), last.summary());
            }
        }
        return new Result(
                last.verdict(), windows.size(), last.score(), last.checks(), last.summary());
    }

    private static String firstDetail(List<Finding> findings, Status status, boolean comparison) {
        return findings.stream()
                .filter(
                        f ->
                                f.status() == status
                                        && !"threshold".equals(f.check().test()) == comparison)
                .map(f -> f.check().detail())
                .findFirst()
                .orElse("");
    }

    private static int score(Verdict verdict, List<Finding> findings) {
        double share =
                findings.isEmpty()
                        ? 1
                        : findings.stream().mapToInt(Finding::score).average().orElse(100) / 100;
        if (verdict == Verdict.FAIL) {
            return (int) Math.round(49 * share);
        }
        if (verdict == Verdict.INCONCLUSIVE) {
            return 50;
        }
        return 51 + (int) Math.round(49 * share);
    }

    /** One window's verdict with its evidence, and the run of threshold failures it leaves. */
    public record WindowJudgement(
            Verdict verdict,
            int score,
            List<Finding> findings,
            String summary,
            int thresholdFailures) {

        public List<Check> checks() {
            return findings.stream().map(Finding::check).toList();
        }
    }

    /** A scenario's verdict and the window it was reached at. */
    public record Result(
            Verdict verdict, int decidedAtWindow, int score, List<Check> checks, String summary) {}
}
