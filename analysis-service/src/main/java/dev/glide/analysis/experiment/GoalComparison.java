package dev.glide.analysis.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * An experiment's goal metric, judged at every look so that looking at any time keeps the chance of
 * declaring a false winner at alpha: each variant's conversion rate against control's as the log of
 * their ratio, by the normal-mixture test ({@link MixtureTest}), with Bonferroni over the variants
 * (each at {@code alpha / variants}).
 *
 * <p>Why this and not a group-sequential design: an experiment has no fixed number of looks (it
 * runs for at least its minimum duration and sample, and people look whenever they like), its
 * windows are not equal in users, and it may be stopped or extended on a whim; an anytime-valid
 * test stays valid under all of that, at the price of deciding somewhat later than a design that
 * knew its looks in advance ({@code bench/experiments.sh} measures both the price and the
 * guarantee).
 *
 * <p>Per variant: the rate of each arm with its interval, the relative lift (variant / control - 1)
 * with its interval, and the always-valid p-value (the lowest {@code 1 / ratio} over every look so
 * far, times the number of variants). The intervals are running intersections over the looks, so
 * they only ever narrow. A variant is BETTER (WORSE) once every arm has served {@code minUnits} and
 * its lift's interval lies wholly above (below) zero; the intervals hold at every look at once with
 * a chance of at least {@code 1 - alpha} over all variants, so a false winner is declared with at
 * most alpha. A zero count is smoothed by half a conversion (Haldane) so that the ratio stays
 * defined.
 *
 * @param alpha the chance of declaring any false winner or loser over the whole experiment
 * @param tau the mixture's scale on the log ratio (0.1: tuned to lifts of about 10 %)
 * @param minUnits users (or requests) every arm must have served before anything is decided
 */
public record GoalComparison(double alpha, double tau, long minUnits) {

    public GoalComparison {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha: " + alpha + " is not between 0 and 1");
        }
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tau: " + tau + " is not positive");
        }
        if (minUnits < 0) {
            throw new IllegalArgumentException("minUnits: " + minUnits + " is negative");
        }
    }

    /** How a variant compares with control so far. */
    public enum Outcome {
        BETTER,
        WORSE,
        UNDECIDED
    }

    /** What one arm served up to a look: units (users or requests) and conversions among them. */
    public record Arm(String version, long units, long conversions) {

        public Arm {
            if (units < 0 || conversions < 0 || conversions > units) {
                throw new IllegalArgumentException(
                        version
                                + ": "
                                + conversions
                                + " conversions of "
                                + units
                                + " units; expected 0 <= conversions <= units");
            }
        }

        public double rate() {
            return units == 0 ? 0 : (double) conversions / units;
        }

        /** The rate smoothed by half a conversion, so that its log is defined. */
        double smoothed() {
            return (conversions + 0.5) / (units + 1.0);
        }

        /** The variance of the smoothed rate's log (delta method). */
        double logVariance() {
            double p = smoothed();
            return (1 - p) / ((units + 1.0) * p);
        }
    }

    /** One arm's rate with its anytime-valid interval (at level alpha). */
    public record Rate(
            String version, long units, long conversions, double rate, double low, double high) {}

    /** One variant against control. */
    public record Lift(
            String version, double lift, double low, double high, double pValue, Outcome outcome) {}

    /** Every arm's rate and every variant's lift after the newest look. */
    public record Result(List<Rate> rates, List<Lift> lifts, boolean enough) {

        /** The variant declared the winner: the BETTER one with the highest lift, if any. */
        public Lift winner() {
            return lifts.stream()
                    .filter(l -> l.outcome() == Outcome.BETTER)
                    .max((a, b) -> Double.compare(a.lift(), b.lift()))
                    .orElse(null);
        }
    }

    /**
     * Intersects interval {@code i} with this look's: the running intersection of a confidence
     * sequence. When the two do not meet, the effect moved (a novelty wearing off, a change in who
     * arrives) and the sequence's premise of one fixed effect failed; the newest look's interval is
     * then kept rather than an empty one.
     */
    private static void narrow(
            double[] low, double[] high, int i, double lookLow, double lookHigh) {
        double l = Math.max(low[i], lookLow);
        double h = Math.min(high[i], lookHigh);
        if (l <= h) {
            low[i] = l;
            high[i] = h;
        } else {
            low[i] = lookLow;
            high[i] = lookHigh;
        }
    }

    /**
     * The comparison after the newest of {@code looks}: each look is every arm's cumulative counts
     * at that time, control first, in the same order at every look.
     */
    public Result judge(List<List<Arm>> looks) {
        return judge(looks, Set.of());
    }

    /**
     * The same, with variants that were {@code stopped} (they failed a guardrail): still counted
     * among the variants (the correction stays as it was), but never declared better or worse, and
     * not waited on for their minimum of units.
     */
    public Result judge(List<List<Arm>> looks, Set<String> stopped) {
        if (looks.isEmpty() || looks.get(0).size() < 2) {
            throw new IllegalArgumentException(
                    "looks: an experiment needs a control and at least one variant at every look");
        }
        int variants = looks.get(0).size() - 1;
        double each = alpha / variants;
        double[] minP = new double[variants];
        double[] low = new double[variants];
        double[] high = new double[variants];
        Arrays.fill(minP, 1);
        Arrays.fill(low, Double.NEGATIVE_INFINITY);
        Arrays.fill(high, Double.POSITIVE_INFINITY);
        double[] rateLow = new double[variants + 1];
        double[] rateHigh = new double[variants + 1];
        Arrays.fill(rateHigh, 1);
        for (List<Arm> look : looks) {
            if (look.size() != variants + 1) {
                throw new IllegalArgumentException(
                        "looks: every look needs the same " + (variants + 1) + " arms");
            }
            Arm control = look.get(0);
            for (int a = 0; a <= variants; a++) {
                Arm arm = look.get(a);
                if (arm.units() == 0) {
                    continue;
                }
                double p = arm.smoothed();
                double v = p * (1 - p) / (arm.units() + 1.0);
                double half = MixtureTest.halfWidth(v, tau * p, alpha);
                narrow(rateLow, rateHigh, a, p - half, p + half);
            }
            for (int i = 0; i < variants; i++) {
                Arm variant = look.get(i + 1);
                if (variant.units() == 0 || control.units() == 0) {
                    continue;
                }
                double x = Math.log(variant.smoothed() / control.smoothed());
                double v = variant.logVariance() + control.logVariance();
                minP[i] = Math.min(minP[i], MixtureTest.pValue(x, v, tau));
                double half = MixtureTest.halfWidth(v, tau, each);
                narrow(low, high, i, x - half, x + half);
            }
        }
        List<Arm> newest = looks.get(looks.size() - 1);
        boolean enough =
                newest.stream()
                        .filter(a -> !stopped.contains(a.version()))
                        .allMatch(a -> a.units() >= minUnits);
        List<Rate> rates = new ArrayList<>();
        for (int a = 0; a <= variants; a++) {
            Arm arm = newest.get(a);
            rates.add(
                    new Rate(
                            arm.version(),
                            arm.units(),
                            arm.conversions(),
                            arm.rate(),
                            Math.max(0, rateLow[a]),
                            Math.min(1, rateHigh[a])));
        }
        List<Lift> lifts = new ArrayList<>();
        Arm control = newest.get(0);
        for (int i = 0; i < variants; i++) {
            Arm variant = newest.get(i + 1);
            double adjusted = Math.min(1, minP[i] * variants);
            double lift =
                    variant.units() == 0 || control.units() == 0
                            ? 0
                            : variant.smoothed() / control.smoothed() - 1;
            Outcome outcome =
                    !enough || stopped.contains(variant.version())
                            ? Outcome.UNDECIDED
                            : low[i] > 0
                                    ? Outcome.BETTER
                                    : high[i] < 0 ? Outcome.WORSE : Outcome.UNDECIDED;
            lifts.add(
                    new Lift(
                            variant.version(),
                            lift,
                            Math.expm1(low[i]),
                            Math.expm1(high[i]),
                            adjusted,
                            outcome));
        }
        return new Result(rates, lifts, enough);
    }
}
