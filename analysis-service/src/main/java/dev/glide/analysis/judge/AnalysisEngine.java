package dev.glide.analysis.judge;

import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.AnalysisVerdict.Check;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * share of checks that passed (an inconclusive check counting half). Criteria asking for {@code
 * scoring: kayenta} are judged by {@link KayentaScoring} instead.
 */
public final class AnalysisEngine {

    /**
     * How the false-abort budget is shared when configuration says nothing: errors are rare, so
     * their test needs nearly all of it (every error-rate judge takes the same share); latency
     * samples are plentiful (hundreds a window), and a two-hundredth of the budget still finds a
     * +30 % median in the first window and +10 % within three (bench/analysis-judges.sh).
     */
    public static final Map<String, Double> DEFAULT_ALPHA_SHARES =
            Map.of(
                    "fisher-sequential",
                    0.995,
                    "fisher-mid-p",
                    0.995,
                    "fisher-exact",
                    0.995,
                    "mann-whitney-u",
                    0.005);

    private final List<Judge> judges;
    private final Map<String, Double> alphaShares;

    /**
     * The standard judges (thresholds, Fisher's test with mid-p on errors, Mann-Whitney U on
     * latency, custom metrics against their baseline).
     */
    public AnalysisEngine() {
        this(
                List.of(
                        new ThresholdJudge(),
                        new FisherSequentialJudge(),
                        new LatencyJudge(),
                        new MetricComparisonJudge()),
                Map.of());
    }

    /**
     * These judges, the comparing ones sharing alpha as {@code alphaShares} says (else by {@link
     * #DEFAULT_ALPHA_SHARES}): their shares must add up to 1, or the analysis would not keep its
     * false-abort rate (too much) or would waste power (too little).
     */
    public AnalysisEngine(List<Judge> judges, Map<String, Double> alphaShares) {
        this.judges = List.copyOf(judges);
        Map<String, Double> shares = new HashMap<>();
        double total = 0;
        for (Judge judge : judges) {
            if (judge.compares()) {
                Double share =
                        alphaShares.getOrDefault(
                                judge.type(), DEFAULT_ALPHA_SHARES.get(judge.type()));
                if (share == null || share <= 0 || share > 1) {
                    throw new IllegalArgumentException(
                            "glide.analysis.alpha-shares."
                                    + judge.type()
                                    + ": "
                                    + share
                                    + " is not a share between 0 (excluded) and 1");
                }
                shares.put(judge.type(), share);
                total += share;
            }
        }
        if (!shares.isEmpty() && Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException(
                    "glide.analysis.alpha-shares: "
                            + shares
                            + " add up to "
                            + total
                            + "; the comparing judges' shares must add up to 1");
        }
        this.alphaShares = Map.copyOf(shares);
    }

    /**
     * The judgement after the newest of {@code soFar} (window {@code soFar.size()} of {@code
     * planned}).
     */
    public WindowJudgement judgeWindow(
            List<WindowPair> soFar, int planned, Criteria criteria, int thresholdFailuresBefore) {
        int k = soFar.size();
        Look look = new Look(soFar, planned, criteria);
        if (criteria.kayentaScoring()) {
            return KayentaScoring.judge(look);
        }
        List<Finding> findings = new ArrayList<>();
        boolean comparisonFailed = false;
        boolean thresholdFailed = false;
        boolean thresholdPassed = false;
        for (Judge judge : judges) {
            double share = judge.compares() ? alphaShares.get(judge.type()) : 0;
            if (judge.compares() && (!criteria.compare() || look.level(share) == 0)) {
                continue;
            }
            for (Finding finding : judge.judge(look, share)) {
                findings.add(finding);
                comparisonFailed |= judge.compares() && finding.status() == Status.FAIL;
                thresholdFailed |= !judge.compares() && finding.status() == Status.FAIL;
                thresholdPassed |= !judge.compares() && finding.status() == Status.PASS;
            }
        }
        int streak =
                thresholdFailed
                        ? thresholdFailuresBefore + 1
                        : thresholdPassed ? 0 : thresholdFailuresBefore;
        long canaryRequests = look.canarySoFar().requests();
        Optional<String> scarce = look.tooFewCanaryRequests();
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
        } else if (scarce.isPresent()) {
            verdict = Verdict.INCONCLUSIVE;
            summary = scarce.get();
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

    private String firstDetail(List<Finding> findings, Status status, boolean comparison) {
        return findings.stream()
                .filter(
                        f ->
                                f.status() == status
                                        && alphaShares.containsKey(f.check().test()) == comparison)
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
