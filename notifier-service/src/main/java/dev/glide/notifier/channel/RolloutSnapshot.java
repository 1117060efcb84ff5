package dev.glide.notifier.channel;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutNews;
import dev.glide.contract.RolloutState;
import dev.glide.contract.TrainEvent;
import dev.glide.contract.TrainMember;
import dev.glide.contract.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the notifier knows of a rollout now, folded from its events and verdicts: what a chat
 * message shows and what decides which buttons are offered.
 *
 * @param sequence the newest rollout event folded in (older ones change nothing)
 * @param verdict the newest verdict, with its key evidence
 * @param activity who did what, newest last (a few lines)
 * @param trainId the release train a member rollout belongs to (its news goes to the train's
 *     message), or null
 * @param members a release train's members, one line each; empty for a rollout
 */
public record RolloutSnapshot(
        String rolloutId,
        String service,
        String team,
        String environment,
        String strategy,
        String stableVersion,
        String canaryVersion,
        RolloutState state,
        int stepIndex,
        int stepCount,
        Weights weights,
        String reason,
        long sequence,
        VerdictLine verdict,
        List<String> activity,
        String trainId,
        List<TrainMember> members,
        String kind) {

    private static final int ACTIVITY_LINES = 6;

    public RolloutSnapshot {
        activity = activity == null ? List.of() : List.copyOf(activity);
        members = members == null ? List.of() : List.copyOf(members);
        // snapshots stored before trains had events of their own: a train's was the one with
        // members
        if (kind == null) {
            kind = members.isEmpty() ? RolloutNews.ROLLOUT : RolloutNews.TRAIN;
        }
    }

    /** True for a release train's snapshot (built from {@link TrainEvent}s). */
    public boolean isTrain() {
        return RolloutNews.TRAIN.equals(kind);
    }

    public static RolloutSnapshot empty(String rolloutId) {
        return new RolloutSnapshot(
                rolloutId,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                0,
                null,
                null,
                0,
                null,
                List.of(),
                null,
                List.of(),
                RolloutNews.ROLLOUT);
    }

    /**
     * This snapshot with a newer event folded in; an event not newer than the snapshot changes
     * nothing.
     */
    public RolloutSnapshot with(RolloutEvent event) {
        if (event.sequence() <= sequence) {
            return this;
        }
        List<String> lines = acted(event.to(), event.actor(), event.reason());
        return new RolloutSnapshot(
                rolloutId,
                event.service(),
                event.team() != null ? event.team() : team,
                event.environment(),
                event.strategy(),
                event.stableVersion(),
                event.canaryVersion(),
                event.to(),
                event.stepIndex(),
                event.stepCount(),
                event.weights(),
                event.reason(),
                event.sequence(),
                verdict,
                lines,
                event.trainId(),
                List.of(),
                RolloutNews.ROLLOUT);
    }

    /**
     * This snapshot with a newer train event folded in: the train's name stands where a rollout's
     * service does, its phase where a step does.
     */
    public RolloutSnapshot with(TrainEvent event) {
        if (event.sequence() <= sequence) {
            return this;
        }
        List<String> lines = acted(event.to(), event.actor(), event.reason());
        return new RolloutSnapshot(
                rolloutId,
                event.name(),
                event.team() != null ? event.team() : team,
                event.environment(),
                RolloutNews.TRAIN,
                null,
                null,
                event.to(),
                event.phaseIndex(),
                event.phaseCount(),
                null,
                event.reason(),
                event.sequence(),
                verdict,
                lines,
                null,
                event.members(),
                RolloutNews.TRAIN);
    }

    /** This snapshot with a verdict, when it is newer than the one shown. */
    public RolloutSnapshot with(AnalysisVerdict analysis) {
        VerdictLine line = VerdictLine.of(analysis);
        if (verdict != null && !line.isNewerThan(verdict)) {
            return this;
        }
        return new RolloutSnapshot(
                rolloutId,
                service,
                team,
                environment,
                strategy,
                stableVersion,
                canaryVersion,
                state,
                stepIndex,
                stepCount,
                weights,
                reason,
                sequence,
                line,
                activity,
                trainId,
                members,
                kind);
    }

    /** This snapshot with one more line of who did what. */
    public RolloutSnapshot withActivity(String line) {
        return new RolloutSnapshot(
                rolloutId,
                service,
                team,
                environment,
                strategy,
                stableVersion,
                canaryVersion,
                state,
                stepIndex,
                stepCount,
                weights,
                reason,
                sequence,
                verdict,
                append(activity, line),
                trainId,
                members,
                kind);
    }

    /** The activity lines, with who moved it to {@code to} when a person did. */
    private List<String> acted(RolloutState to, String actor, String reason) {
        return actor == null
                ? activity
                : append(activity, to + " by " + actor + (reason == null ? "" : ": " + reason));
    }

    private static List<String> append(List<String> lines, String line) {
        List<String> more = new ArrayList<>(lines);
        more.add(line);
        return more.size() > ACTIVITY_LINES
                ? more.subList(more.size() - ACTIVITY_LINES, more.size())
                : more;
    }

    /**
     * A verdict as a message shows it: the outcome, the window, the score and each check's key
     * numbers.
     */
    public record VerdictLine(
            long analysisSequence,
            int window,
            String verdict,
            int score,
            String summary,
            List<String> evidence) {

        private static final String GATE = "gate ";
        private static final int GATE_DETAIL = 300;

        public VerdictLine {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
        }

        static VerdictLine of(AnalysisVerdict verdict) {
            List<String> evidence =
                    verdict.checks().stream()
                            .map(
                                    c ->
                                            c.metric().startsWith(GATE)
                                                    ? gate(c)
                                                    : String.format(
                                                            Locale.ROOT,
                                                            "%s (%s): canary %s, baseline %s%s%s",
                                                            c.metric(),
                                                            c.test(),
                                                            number(c.canary()),
                                                            number(c.baseline()),
                                                            c.pValue() == null
                                                                    ? ""
                                                                    : String.format(
                                                                            Locale.ROOT,
                                                                            ", p = %.3g",
                                                                            c.pValue()),
                                                            c.passed() ? "" : " ✗"))
                            .toList();
            return new VerdictLine(
                    verdict.stepSequence(),
                    verdict.window(),
                    verdict.verdict().name(),
                    verdict.score(),
                    verdict.summary(),
                    evidence);
        }

        /** A gate's line: its name, its result and what it found (a test's tally, a status). */
        private static String gate(AnalysisVerdict.Check check) {
            String detail = check.detail() == null ? "" : check.detail();
            if (detail.length() > GATE_DETAIL) {
                detail = detail.substring(0, GATE_DETAIL) + "…";
            }
            return check.metric()
                    + ": "
                    + (check.passed() ? "passed" : "failed ✗")
                    + " — "
                    + detail;
        }

        boolean isNewerThan(VerdictLine other) {
            return analysisSequence > other.analysisSequence
                    || (analysisSequence == other.analysisSequence && window > other.window);
        }

        private static String number(Double value) {
            if (value == null) {
                return "—";
            }
            return value < 1
                    ? String.format(Locale.ROOT, "%.3f %%", value * 100)
                    : String.format(Locale.ROOT, "%.1f", value);
        }
    }
}
