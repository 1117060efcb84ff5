package dev.glide.analysis.judge;

/**
 * How a test's false-abort budget is spread over repeated looks, so that looking at every window
 * does not inflate it.
 *
 * <p>The method is alpha spending with the union bound. Each test gets a budget {@code a} (its
 * share of the analysis's alpha). Looks 1 .. K-1 share {@value #INTERIM} of it by a Lan-DeMets
 * function of Pocock type, {@code g(t) = ln(1 + (e - 1) t)} with {@code t = k / (K - 1)} — so the
 * first of ten windows already gets 17 % of the interim budget, where O'Brien-Fleming spending
 * would give it almost nothing, and a clear regression is stopped in the first windows — and the
 * last look gets the remaining {@code 1 - }{@value #INTERIM}, so a regression that only the whole
 * analysis can show is still found. The test is run at look {@code k} at the level spent at that
 * look; the levels of all looks add up to {@code a}, so by the union bound the chance of any false
 * rejection over the whole analysis is at most {@code a}, whatever the correlation between looks
 * (exact and rank tests alike; conservative: the real rate is lower). Looks past the planned count
 * spend nothing.
 *
 * <p>The tests' budgets add up to the analysis's alpha (Bonferroni), so the whole analysis, not
 * each test, keeps its false-abort rate at or under alpha.
 */
public final class AlphaSpending {

    /** The share of a test's budget spent before the last look. */
    static final double INTERIM = 0.3;

    private AlphaSpending() {}

    /** The budget spent by the end of look {@code k} of {@code planned}. */
    static double spent(double budget, int k, int planned) {
        if (k <= 0) {
            return 0;
        }
        if (k >= planned) {
            return budget;
        }
        double t = (double) k / (planned - 1);
        return budget * INTERIM * Math.log(1 + (Math.E - 1) * t);
    }

    /**
     * The level a test with {@code budget} is run at on look {@code k} of {@code planned}:
     * sequentially, the budget spent at that look; at a fixed horizon, the whole budget at the last
     * look and nothing before.
     */
    public static double level(double budget, int k, int planned, boolean sequential) {
        if (!sequential) {
            return k == planned ? budget : 0;
        }
        if (k > planned) {
            return 0;
        }
        return spent(budget, k, planned) - spent(budget, k - 1, planned);
    }
}
