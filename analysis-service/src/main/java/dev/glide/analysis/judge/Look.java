package dev.glide.analysis.judge;

import java.util.List;

/**
 * One look at an analysis: the windows so far (oldest first), how many are planned, and the
 * criteria.
 */
public record Look(List<WindowPair> windows, int planned, Criteria criteria) {

    public Look {
        windows = List.copyOf(windows);
    }

    public int index() {
        return windows.size();
    }

    /**
     * The level a comparison with this share of alpha is tested at on this look (see {@link
     * AlphaSpending}).
     */
    public double level(double alphaShare) {
        return AlphaSpending.level(
                criteria.alpha() * alphaShare,
                index(),
                Math.max(planned, 1),
                criteria.sequential());
    }

    public WindowPair newest() {
        return windows.get(windows.size() - 1);
    }

    /** Everything the baseline served so far. */
    public Sample baselineSoFar() {
        return windows.stream().map(WindowPair::baseline).reduce(Sample.counts(0, 0), Sample::plus);
    }

    /** Everything the canary served so far. */
    public Sample canarySoFar() {
        return windows.stream().map(WindowPair::canary).reduce(Sample.counts(0, 0), Sample::plus);
    }
}
