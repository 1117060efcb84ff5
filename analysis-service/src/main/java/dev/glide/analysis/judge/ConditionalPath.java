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
 * AlphaSpending#spentBy}) less what the earlier looks really spent. A quiet canary's few errors
 * make each look's true chance fall short of what it may spend (the counts jump); that shortfall is
 * left to the later looks instead of being lost, as it is when every look tests at a fixed level.
 * The last look counts the boundary's own probability half (Lancaster's mid-p), so its level holds
 * on average over the discrete steps rather than always falling short. Windows are strata: a canary
 * share that changes from window to window is no confounder.
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

    /** The outcome at the newest look: the (sequential, mid-p) p-value and the level it meets. */
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
            offset += law.from;
            double allowed = Math.max(0, spentBy[look - 1] - spent);
            if (look == k) {
                int observed = (int) windows.stream().mapToLong(w -> w.canary().errors()).sum();
                return new Test(midTail(density, observed - offset), allowed);
            }
            // The interim boundary: the lowest count whose whole tail fits what may be spent.
            int boundary = density.length;
            double tail = 0;
            while (boundary > 0 && tail + density[boundary - 1] <= allowed) {
                tail += density[--boundary];
            }
            spent += tail;
            double[] below = new double[Math.max(boundary, 1)];
            System.arraycopy(density, 0, below, 0, boundary);
            density = below;
        }
        throw new IllegalArgumentException("no windows to test");
    }

    /** P(X > x) + P(X = x) / 2 over what has not crossed before, with X at {@code index}. */
    private static double midTail(double[] density, int index) {
        if (index < 0) {
            return sum(density, 0);
        }
        if (index >= density.length) {
            return 0;
        }
        return sum(density, index + 1) + density[index] / 2;
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
