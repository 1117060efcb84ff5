package dev.glide.analysis.experiment;

import dev.glide.analysis.experiment.GoalComparison.Arm;
import dev.glide.analysis.experiment.GoalComparison.Lift;
import dev.glide.analysis.experiment.GoalComparison.Rate;
import dev.glide.analysis.judge.AnalysisEngine;
import dev.glide.analysis.judge.AnalysisEngine.WindowJudgement;
import dev.glide.analysis.judge.Criteria;
import dev.glide.analysis.judge.Sample;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.analysis.metrics.MetricWindow;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.analysis.source.GatewayMetricsSource;
import dev.glide.analysis.source.MetricsSource;
import dev.glide.analysis.source.MetricsSources;
import dev.glide.analysis.source.SourceException;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.ExperimentDesign;
import dev.glide.contract.ExperimentDesign.GoalUnit;
import dev.glide.contract.ExperimentFindings;
import dev.glide.contract.ExperimentFindings.ArmFinding;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges an experiment after window k of its analysis, from the gateways' windows: each variant
 * that is still running against the control on the guardrails (the canary judges, on this
 * analysis's windows, exactly as a canary is judged), and every arm on the goal (the anytime-valid
 * {@link GoalComparison}, looking once per interval since the experiment began). Then:
 *
 * <ul>
 *   <li>every running variant failed a guardrail: FAIL (everyone back to the control);
 *   <li>a variant is BETTER on the goal (and did not fail a guardrail): PASS, with the winner;
 *   <li>some variants failed a guardrail: PASS, naming them, to be stopped while the rest go on;
 *   <li>the last window without a winner: INCONCLUSIVE, a person decides;
 *   <li>otherwise PASS: no winner yet.
 * </ul>
 *
 * Goals per user count each version's distinct users and those who reached the goal, as each
 * gateway replica reports them (cumulative; replicas are added up, so a user served by two replicas
 * counts twice).
 */
@ApplicationScoped
public class ExperimentJudge {

    /** The mixture's scale on the log rate ratio: tuned to lifts of about 10 %. */
    static final double TAU = 0.1;

    private final AnalysisEngine engine;
    private final MetricsSources sources;

    public ExperimentJudge(AnalysisEngine engine, MetricsSources sources) {
        this.engine = engine;
        this.sources = sources;
    }

    /** The judgement, and the design with the variants that failed now added to its stopped. */
    public record Judgement(
            Verdict verdict,
            int score,
            String summary,
            ExperimentFindings findings,
            ExperimentDesign design,
            boolean decided) {}

    /**
     * After window {@code k} of {@code count} of the analysis that began at {@code start}, each
     * window {@code interval} long.
     */
    public Judgement judge(
            AnalysedRollout rollout,
            ExperimentDesign design,
            Instant start,
            Duration interval,
            int k,
            int count,
            Criteria criteria)
            throws SourceException {
        Instant now = start.plus(interval.multipliedBy(k));
        MetricsSource source = sources.forService(rollout.service());
        boolean gateways = source instanceof GatewayMetricsSource;
        List<MetricWindow> stored =
                MetricWindow.endingBetween(rollout.rolloutId(), design.since().minusMillis(1), now);
        String control = rollout.stableVersion();

        Map<String, WindowJudgement> guardrails = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (String variant : design.variants()) {
            if (design.stopped().contains(variant)) {
                continue;
            }
            List<WindowPair> pairs = new ArrayList<>();
            AnalysedRollout pair =
                    new AnalysedRollout(rollout.rolloutId(), rollout.service(), control, variant);
            for (int i = 1; i <= k; i++) {
                Instant from = start.plus(interval.multipliedBy(i - 1L));
                Instant to = start.plus(interval.multipliedBy(i));
                // the gateways' windows hold every arm by version; another source is asked for
                // the control against this variant
                pairs.add(
                        gateways
                                ? new WindowPair(
                                        sample(stored, control, from, to),
                                        sample(stored, variant, from, to))
                                : source.collect(pair, from, to));
            }
            WindowJudgement judgement = engine.judgeWindow(pairs, count, criteria, 0);
            guardrails.put(variant, judgement);
            if (judgement.verdict() == Verdict.FAIL) {
                failed.add(variant);
            }
        }

        List<String> arms = new ArrayList<>();
        arms.add(control);
        arms.addAll(design.variants());
        GoalComparison.Result goal =
                new GoalComparison(design.alpha(), TAU, design.minUnits())
                        .judge(
                                goalLooks(source, rollout, stored, arms, design, interval, now),
                                new java.util.HashSet<>(stoppedSoFar(design, failed)));
        List<String> running = new ArrayList<>(guardrails.keySet());
        running.removeAll(failed);
        Lift winner =
                goal.lifts().stream()
                        .filter(l -> l.outcome() == GoalComparison.Outcome.BETTER)
                        .filter(l -> running.contains(l.version()))
                        .max((a, b) -> Double.compare(a.lift(), b.lift()))
                        .orElse(null);

        List<String> stopped = stoppedSoFar(design, failed);
        ExperimentDesign after =
                new ExperimentDesign(
                        design.variants(),
                        stopped,
                        design.goal(),
                        design.per(),
                        design.alpha(),
                        design.minUnits(),
                        design.since());
        ExperimentFindings findings =
                new ExperimentFindings(
                        design.goal(),
                        design.per(),
                        findings(goal, guardrails, stopped),
                        failed,
                        winner == null ? null : winner.version());

        String standing = describe(goal, control, design);
        if (running.isEmpty() && !failed.isEmpty()) {
            return new Judgement(
                    Verdict.FAIL,
                    0,
                    "every variant failed its guardrail: " + reasons(failed, guardrails),
                    findings,
                    after,
                    true);
        }
        if (winner != null) {
            return new Judgement(
                    Verdict.PASS,
                    100,
                    winner.version() + " wins: " + standing,
                    findings,
                    after,
                    true);
        }
        String stoppedNow =
                failed.isEmpty()
                        ? ""
                        : reasons(failed, guardrails) + "; stopped, the other variants go on. ";
        if (k >= count) {
            return new Judgement(
                    Verdict.INCONCLUSIVE,
                    50,
                    stoppedNow + "no winner after " + k + " windows: " + standing,
                    findings,
                    after,
                    true);
        }
        return new Judgement(
                Verdict.PASS,
                failed.isEmpty() ? 75 : 50,
                stoppedNow + "no winner yet after window " + k + ": " + standing,
                findings,
                after,
                false);
    }

    private static List<String> stoppedSoFar(ExperimentDesign design, List<String> failed) {
        List<String> stopped = new ArrayList<>(design.stopped());
        stopped.addAll(failed);
        return stopped;
    }

    /** The ends of the looks: one per interval since the experiment began, the last one now. */
    private static List<Instant> lookEnds(ExperimentDesign design, Duration interval, Instant now) {
        List<Instant> ends = new ArrayList<>();
        for (Instant end = design.since().plus(interval);
                end.isBefore(now);
                end = end.plus(interval)) {
            ends.add(end);
        }
        ends.add(now);
        return ends;
    }

    /**
     * Every arm's goal at each look: from the metrics source where it counts the goal (Prometheus's
     * numerator and denominator), else from the gateways' windows.
     */
    private static List<List<Arm>> goalLooks(
            MetricsSource source,
            AnalysedRollout rollout,
            List<MetricWindow> stored,
            List<String> arms,
            ExperimentDesign design,
            Duration interval,
            Instant now)
            throws SourceException {
        List<Instant> ends = lookEnds(design, interval, now);
        List<List<Arm>> looks = new ArrayList<>();
        for (Instant end : ends) {
            List<Arm> look = new ArrayList<>();
            for (String arm : arms) {
                Optional<long[]> counted =
                        source.goal(rollout, arm, design.goal(), design.since(), end);
                if (counted.isEmpty()) {
                    return looks(stored, arms, design, ends);
                }
                look.add(new Arm(arm, counted.get()[0], counted.get()[1]));
            }
            looks.add(look);
        }
        return looks;
    }

    /** Every arm's goal at each look, from the gateways' windows. */
    private static List<List<Arm>> looks(
            List<MetricWindow> stored,
            List<String> arms,
            ExperimentDesign design,
            List<Instant> ends) {
        List<List<Arm>> looks = new ArrayList<>();
        Map<String, long[]> totals = new HashMap<>();
        // per version and source, the newest cumulative users and converted users
        Map<String, long[]> latest = new HashMap<>();
        int next = 0;
        for (Instant end : ends) {
            while (next < stored.size() && !stored.get(next).windowEnd.isAfter(end)) {
                MetricWindow window = stored.get(next++);
                for (VersionWindow version : window.payload.versions()) {
                    long[] total = totals.computeIfAbsent(version.version(), v -> new long[2]);
                    total[0] += version.requests();
                    total[1] += version.goals().getOrDefault(design.goal(), 0L);
                    if (version.users() != null) {
                        latest.put(
                                version.version() + "\n" + window.source,
                                new long[] {
                                    version.users(),
                                    version.goalUsers().getOrDefault(design.goal(), 0L)
                                });
                    }
                }
            }
            List<Arm> look = new ArrayList<>();
            for (String arm : arms) {
                long units;
                long conversions;
                if (design.per() == GoalUnit.REQUEST) {
                    long[] total = totals.getOrDefault(arm, new long[2]);
                    units = total[0];
                    conversions = total[1];
                } else {
                    units = 0;
                    conversions = 0;
                    for (Map.Entry<String, long[]> entry : latest.entrySet()) {
                        if (entry.getKey().startsWith(arm + "\n")) {
                            units += entry.getValue()[0];
                            conversions += entry.getValue()[1];
                        }
                    }
                }
                look.add(new Arm(arm, units, Math.min(conversions, units)));
            }
            looks.add(look);
        }
        return looks;
    }

    /** What one version served in the windows that ended in {@code (from, to]}. */
    private static Sample sample(
            List<MetricWindow> stored, String version, Instant from, Instant to) {
        Sample sum = Sample.counts(0, 0);
        for (MetricWindow window : stored) {
            if (window.windowEnd.isAfter(from) && !window.windowEnd.isAfter(to)) {
                sum = sum.plus(GatewayMetricsSource.sample(window.payload.of(version)));
            }
        }
        return sum;
    }

    private static List<ArmFinding> findings(
            GoalComparison.Result goal,
            Map<String, WindowJudgement> guardrails,
            List<String> stopped) {
        List<ArmFinding> arms = new ArrayList<>();
        for (int i = 0; i < goal.rates().size(); i++) {
            Rate rate = goal.rates().get(i);
            Lift lift = i == 0 ? null : goal.lifts().get(i - 1);
            WindowJudgement guardrail = guardrails.get(rate.version());
            arms.add(
                    new ArmFinding(
                            rate.version(),
                            stopped.contains(rate.version()),
                            rate.units(),
                            rate.conversions(),
                            rate.rate(),
                            rate.low(),
                            rate.high(),
                            lift == null ? null : lift.lift(),
                            lift == null ? null : lift.low(),
                            lift == null ? null : lift.high(),
                            lift == null ? null : lift.pValue(),
                            lift == null ? null : lift.outcome().name(),
                            guardrail == null ? null : guardrail.verdict().name(),
                            guardrail == null ? null : guardrail.summary()));
        }
        return arms;
    }

    private static String reasons(List<String> failed, Map<String, WindowJudgement> guardrails) {
        List<String> reasons = new ArrayList<>();
        for (String variant : failed) {
            reasons.add(
                    variant + " failed its guardrail (" + guardrails.get(variant).summary() + ")");
        }
        return String.join("; ", reasons);
    }

    /** The goal's standing: the control's rate and each variant's lift with its interval. */
    private static String describe(
            GoalComparison.Result goal, String control, ExperimentDesign design) {
        Rate base = goal.rates().get(0);
        StringBuilder text =
                new StringBuilder(
                        String.format(
                                "%s per %s, control %s %s",
                                design.goal(),
                                design.per().name().toLowerCase(),
                                control,
                                rate(base)));
        for (int i = 0; i < goal.lifts().size(); i++) {
            Lift lift = goal.lifts().get(i);
            if (design.stopped().contains(lift.version())) {
                continue;
            }
            text.append(
                    String.format(
                            "; %s %s, lift %+.1f %% (%+.1f %% to %+.1f %%), p = %.3g",
                            lift.version(),
                            rate(goal.rates().get(i + 1)),
                            lift.lift() * 100,
                            lift.low() * 100,
                            lift.high() * 100,
                            lift.pValue()));
        }
        return text.toString();
    }

    private static String rate(Rate rate) {
        return String.format(
                "%.2f %% of %d (%.2f-%.2f %%)",
                rate.rate() * 100, rate.units(), rate.low() * 100, rate.high() * 100);
    }
}
