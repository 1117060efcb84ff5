package dev.glide.analysis.judge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * How a test's false-abort budget is spread over repeated looks, so that looking at every window
 * does not inflate it: a group-sequential design of the Haybittle-Peto kind with its last look
 * computed exactly.
 *
 * <p>Each test gets a budget {@code a} (its share of the analysis's alpha); let {@code m = max(K,
 * 10)} for K planned looks. The first three tenths of the interim looks test at {@code a / m} (a
 * tenth of the budget each for ten windows: stopping early pays most there, so a clear regression
 * is stopped in the first windows), the last of them at twice that (it has the most evidence of the
 * early looks, so its level buys the most early decisions: with it, 2x errors at a 10 % share are
 * decided by window 3 in most catches), the later interim looks at {@code a / (6 m)} (a sixtieth:
 * they mostly repeat evidence the earlier looks saw, and what they do not spend is left for the
 * last look, where a small regression is found if at all). The last look tests at the level that
 * brings the chance of any false rejection over all K looks to exactly {@code a}, computed for the
 * looks' real correlation: the statistic after look k carries everything before it, so consecutive
 * looks correlate by {@code sqrt(j / k)} (equal windows), and the union bound would waste most of
 * the interim looks' levels. The chance is the classic recursive integration (Armitage, McPherson
 * and Rowe; Jennison and Turnbull, ch. 19) of the score process {@code S_k = Z_k sqrt(k)}, a random
 * walk with standard normal steps, kept below the interim boundaries. For ten looks and a budget of
 * 0.00995 looks 1-2 test at 0.001, look 3 at 0.002, looks 4-9 at 0.00017 and the last at about
 * 0.0070, where the union bound would have left 0.0050.
 *
 * <p>Looks past the planned count spend nothing. A fixed-horizon analysis spends the whole budget
 * at its last look. The tests' budgets add up to the analysis's alpha (Bonferroni), so the whole
 * analysis, not each test, keeps its false-abort rate at or under alpha.
 */
public final class AlphaSpending {

    /** Interim levels divide the budget by the planned looks, but never by fewer. */
    static final int INTERIM_DIVISOR = 10;

    /** The share of the interim looks that test at the early, looser level. */
    static final double EARLY_SHARE = 0.3;

    /**
     * The grid's spacing for ten looks, in units of one look's standard deviation; more looks widen
     * it with the walk's spread, so a long analysis costs about what ten windows do.
     */
    private static final double STEP = 0.025;

    private static final double KERNEL_REACH = 8.5;
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    private static final Map<String, Design> DESIGNS = new ConcurrentHashMap<>();

    private AlphaSpending() {}

    /**
     * The level a test with {@code budget} is run at on look {@code k} of {@code planned}:
     * sequentially, the interim level before the last look and the exact remainder at it; at a
     * fixed horizon, the whole budget at the last look and nothing before.
     */
    public static double level(double budget, int k, int planned, boolean sequential) {
        if (k <= 0 || k > planned) {
            return 0;
        }
        if (!sequential) {
            return k == planned ? budget : 0;
        }
        return levels(budget, planned)[k - 1];
    }

    /**
     * The chance of a false rejection by look {@code k} of {@code planned} (cumulative: what looks
     * 1 .. k may spend together), as the design above spends it: an exact test of discrete data
     * ({@link ConditionalPath}) spends this, rather than each look's level, so that what one look
     * could not spend is left to the next. At a fixed horizon nothing is spent before the last
     * look.
     */
    public static double spentBy(double budget, int k, int planned, boolean sequential) {
        if (k <= 0) {
            return 0;
        }
        if (k >= planned) {
            return budget;
        }
        return sequential ? design(budget, planned).spent()[k - 1] : 0;
    }

    /** The one-sided levels of looks 1 .. planned (cached: the same few designs recur). */
    static double[] levels(double budget, int planned) {
        return design(budget, planned).levels();
    }

    private static Design design(double budget, int planned) {
        return DESIGNS.computeIfAbsent(budget + "/" + planned, key -> compute(budget, planned));
    }

    /** Each look's level, and the chance of a false rejection by each look. */
    private record Design(double[] levels, double[] spent) {}

    private static Design compute(double budget, int planned) {
        double[] levels = new double[planned];
        double[] spent = new double[planned];
        spent[planned - 1] = budget;
        if (planned == 1) {
            levels[0] = budget;
            return new Design(levels, spent);
        }
        int divisor = Math.max(planned, INTERIM_DIVISOR);
        int early = (int) Math.ceil(EARLY_SHARE * (planned - 1));
        for (int k = 1; k < planned; k++) {
            levels[k - 1] =
                    k < early
                            ? budget / divisor
                            : k == early ? 2 * budget / divisor : budget / (6.0 * divisor);
        }
        double[] bounds = new double[planned];
        for (int k = 1; k < planned; k++) {
            bounds[k - 1] = NORMAL.inverseCumulativeProbability(1 - levels[k - 1]);
        }
        double step = STEP * Math.max(1, Math.sqrt(planned / 10.0));
        // The density of S_k on a grid ending at the boundary b_k sqrt(k), while no look crossed.
        double[] grid = upTo(bounds[0], 1, step);
        double[] density = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            density[i] = NORMAL.density(grid[i]);
        }
        spent[0] = levels[0];
        for (int k = 2; k < planned; k++) {
            double top = bounds[k - 1] * Math.sqrt(k);
            spent[k - 1] = spent[k - 2] + crossing(grid, density, top, step);
            double[] next = upTo(top, k, step);
            density = move(grid, density, next, step);
            grid = next;
        }
        double stayed = integral(density, step);
        double remainder = budget - (1 - stayed);
        double[] lastGrid = grid;
        double[] lastDensity = density;
        double last;
        if (remainder <= 0) {
            last = 0;
        } else {
            double z =
                    new BrentSolver(1e-10)
                            .solve(
                                    200,
                                    c ->
                                            crossing(
                                                            lastGrid,
                                                            lastDensity,
                                                            c * Math.sqrt(planned),
                                                            step)
                                                    - remainder,
                                    0,
                                    12);
            last = 1 - NORMAL.cumulativeProbability(z);
        }
        levels[planned - 1] = last;
        return new Design(levels, spent);
    }

    /** Grid points from the boundary of look k down to where S_k's density is negligible. */
    private static double[] upTo(double top, int k, double step) {
        double bottom = -KERNEL_REACH * Math.sqrt(k);
        int n = (int) Math.ceil((top - bottom) / step) + 1;
        double[] grid = new double[n];
        for (int i = 0; i < n; i++) {
            grid[i] = top - (n - 1 - i) * step;
        }
        return grid;
    }

    /**
     * One more look's density: the previous one moved by a standard normal step. Both grids have
     * the same spacing, so the step's density is needed only at the lattice of their offsets.
     */
    private static double[] move(double[] grid, double[] density, double[] next, double step) {
        double offset = next[next.length - 1] - grid[grid.length - 1];
        int reach = (int) Math.ceil((KERNEL_REACH + Math.abs(offset)) / step) + 1;
        int span = next.length + grid.length;
        double[] kernel = new double[2 * span + 1];
        for (int m = -span; m <= span; m++) {
            double d = offset + m * step;
            kernel[m + span] = Math.abs(d) > KERNEL_REACH ? 0 : NORMAL.density(d);
        }
        double[] out = new double[next.length];
        for (int i = 0; i < next.length; i++) {
            // next[i] - grid[j] = offset + ((grid.length - 1 - j) - (next.length - 1 - i)) * step
            int base = (grid.length - 1) - (next.length - 1 - i);
            int from = Math.max(0, base - reach);
            int to = Math.min(grid.length - 1, base + reach);
            double sum = 0;
            for (int j = from; j <= to; j++) {
                sum += weight(j, grid.length) * density[j] * kernel[base - j + span];
            }
            out[i] = sum * step;
        }
        return out;
    }

    /** The chance of staying below every boundary so far and then ending above {@code c}. */
    private static double crossing(double[] grid, double[] density, double c, double step) {
        double sum = 0;
        for (int j = 0; j < grid.length; j++) {
            sum +=
                    weight(j, grid.length)
                            * density[j]
                            * (1 - NORMAL.cumulativeProbability(c - grid[j]));
        }
        return sum * step;
    }

    private static double integral(double[] density, double step) {
        double sum = 0;
        for (int j = 0; j < density.length; j++) {
            sum += weight(j, density.length) * density[j];
        }
        return sum * step;
    }

    /** Trapezoid weights: the grid ends exactly at the boundary. */
    private static double weight(int j, int n) {
        return j == 0 || j == n - 1 ? 0.5 : 1;
    }
}
