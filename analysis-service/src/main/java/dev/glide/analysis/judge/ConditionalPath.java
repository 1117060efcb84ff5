package dev.glide.analysis.judge;

import java.util.List;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * The exact law, under "both versions fail alike", of the canary's errors summed over the windows
 * so far, given how many errors each window had in all: in window j the canary's share of that
 * window's errors is hypergeometric (Fisher's law: of the window's requests, its errors fall on the
 * canary's requests by chance), independently of the other windows. The sum's law is their
 * convolution.
 *
 * <p>This makes a group-sequential test exact for discrete counts. At look k the test rejects when
 * the canary's errors so far reach a boundary chosen so that the chance of crossing it (having
 * crossed no earlier boundary) is at most what the spending design allows by look k ({@link
 * AlphaSpending#spentBy}) less what the earlier looks really spent. Outcomes are ordered by the
 * errors so far and, at equal counts, by the newest window's errors, so a boundary can fall inside
 * a count rather than only between counts. A quiet canary's few errors still make each look's true
 * chance fall short of what it may spend (the counts jump); that shortfall is left to the later
 * looks instead of being lost, as it is when every look tests at a fixed level. Every look, the
 * last too, decides by exactly the region its spending was counted for, so the chance of a false
 * rejection over all looks is at most the budget whatever the error rates in each window. Windows
 * are strata: a canary share that changes from window to window is no confounder.
 *
 * <p>Where the counts are so large that the path would need more than {@link #MAX_STATES} points,
 * the discreteness no longer matters and {@link #tooLarge} says so: the caller uses the normal
 * design's level.
 */
final class ConditionalPath {

    /** Beyond this many points of the path's law, the normal approximation is as good. */
    static final int MAX_STATES = 20_000;

    /** How far into a window's tails its law is kept (in standard deviations): beyond, < 1e-30. */
    private static final double REACH = 12;

    private ConditionalPath() {}

    /** The outcome at the newest look: its sequential p-value and the level it must meet. */
    record Test(double p, double level) {}

    /** True when these windows' laws would be too wide to convolve exactly. */
    static boolean tooLarge(List<WindowPair> windows) {
        double variance = 0;
        for (WindowPair window : windows) {
            Law law = law(window);
            if (law.population() > Integer.MAX_VALUE) {
                return true;
            }
            variance += law.variance();
        }
        return REACH * 2 * Math.sqrt(variance) + windows.size() > MAX_STATES;
    }

    /**
     * The test at the newest of {@code windows} (look k = their count), spending {@code spentBy[j]}
     * by look j+1 in all.
     */
    static Test at(List<WindowPair> windows, double[] spentBy) {
        int k = windows.size();
        // density[i]: the chance that the canary's errors so far are offset + i and no earlier
        // look crossed its boundary.
        double[] density = {1};
        int offset = 0;
        double spent = 0;
        for (int look = 1; look <= k; look++) {
            Window law = law(windows.get(look - 1)).pmf();
            double[] before = density;
            double[] next = new double[density.length + law.pmf.length - 1];
            for (int i = 0; i < density.length; i++) {
                if (density[i] == 0) {
                    continue;
                }
                for (int j = 0; j < law.pmf.length; j++) {
                    next[i + j] += density[i] * law.pmf[j];
                }
            }
            density = next;
            double allowed = Math.max(0, spentBy[look - 1] - spent);
            Step step = new Step(before, law, density);
            if (look == k) {
                int observed = (int) windows.stream().mapToLong(w -> w.canary().errors()).sum();
                int newest = (int) windows.get(k - 1).canary().errors();
                return new Test(step.atLeast(observed - offset - law.from, newest), allowed);
            }
            spent += step.crossBelow(allowed);
            density = step.density;
            offset += law.from;
        }
        throw new IllegalArgumentException("no windows to test");
    }

    /**
     * One look's law: the paths so far ({@code before}, by the errors before this window), this
     * window's law, and their sum's ({@code density}). Outcomes are ordered by the errors so far,
     * then, at equal counts, by this window's errors: among paths to the same count, one whose
     * errors came late is the more extreme (a canary getting worse). The order makes the boundary
     * finer than whole counts, so a look spends nearly what it may, with no randomising and no
     * mid-p: the test stays exact.
     */
    private static final class Step {
        private final double[] before;
        private final Window law;
        private double[] density;

        Step(double[] before, Window law, double[] density) {
            this.before = before;
            this.law = law;
            this.density = density;
        }

        /** P(sum > s) + P(sum = s and this window's errors >= x), s as an index of the sum. */
        double atLeast(int s, int x) {
            if (s < 0) {
                return sum(density, 0);
            }
            if (s >= density.length) {
                return 0;
            }
            double p = sum(density, s + 1);
            for (int j = Math.max(0, x - law.from); j < law.pmf.length; j++) {
                p += pathsTo(s, j);
            }
            return p;
        }

        /**
         * Takes the most extreme outcomes, in order, while their chance fits {@code allowed} (the
         * boundary), leaves the density of the paths that did not cross it, and returns what the
         * boundary spends.
         */
        double crossBelow(double allowed) {
            int b = density.length;
            double tail = 0;
            while (b > 0 && tail + density[b - 1] <= allowed) {
                tail += density[--b];
            }
            double[] below = new double[Math.max(b, 1)];
            System.arraycopy(density, 0, below, 0, b);
            if (b > 0) {
                // the boundary's own count: its paths with the most errors in this window first
                int s = b - 1;
                for (int j = law.pmf.length - 1; j >= 0; j--) {
                    double paths = pathsTo(s, j);
                    if (tail + paths > allowed) {
                        break;
                    }
                    tail += paths;
                    below[s] -= paths;
                }
                below[s] = Math.max(0, below[s]);
            }
            density = below;
            return tail;
        }

        /** The chance of reaching sum index s with this window's law index j. */
        private double pathsTo(int s, int j) {
            int from = s - j;
            return from < 0 || from >= before.length ? 0 : before[from] * law.pmf[j];
        }
    }

    private static double sum(double[] density, int from) {
        double sum = 0;
        for (int i = density.length - 1; i >= from; i--) {
            sum += density[i];
        }
        return sum;
    }

    /** One window's law of the canary's errors given the window's errors in all. */
    private static Law law(WindowPair window) {
        long canary = window.canary().requests();
        long population = window.baseline().requests() + canary;
        long errors = window.baseline().errors() + window.canary().errors();
        return new Law(population, errors, canary);
    }

    private record Law(long population, long errors, long canary) {

        double variance() {
            if (population <= 1) {
                return 0;
            }
            double share = (double) canary / population;
            return errors * share * (1 - share) * (population - errors) / (population - 1);
        }

        /** Its probabilities over the counts that matter (beyond them, less than 1e-30). */
        Window pmf() {
            if (errors == 0 || canary == 0) {
                return new Window(0, new double[] {1});
            }
            if (errors == population || canary == population) {
                return new Window((int) Math.min(errors, canary), new double[] {1});
            }
            HypergeometricDistribution law =
                    new HypergeometricDistribution(
                            null, (int) population, (int) errors, (int) canary);
            double mean = (double) errors * canary / population;
            double reach = REACH * Math.sqrt(variance()) + 2;
            int from = (int) Math.max(law.getSupportLowerBound(), Math.floor(mean - reach));
            int to = (int) Math.min(law.getSupportUpperBound(), Math.ceil(mean + reach));
            double[] pmf = new double[to - from + 1];
            for (int x = from; x <= to; x++) {
                pmf[x - from] = law.probability(x);
            }
            return new Window(from, pmf);
        }
    }

    /** A law's probabilities from count {@code from} on. */
    private record Window(int from, double[] pmf) {}
}
