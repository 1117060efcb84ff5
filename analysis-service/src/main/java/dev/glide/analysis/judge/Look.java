package dev.glide.analysis.judge;

import java.util.List;
import java.util.Optional;

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

    /**
     * The chance of a false rejection that a comparison with this share of alpha may have spent by
     * this look, over all looks so far ({@link AlphaSpending#spentBy}), for each look 1 .. this.
     */
    public double[] spentBy(double alphaShare) {
        double budget = criteria.alpha() * alphaShare;
        double[] spent = new double[index()];
        for (int k = 1; k <= index(); k++) {
            spent[k - 1] =
                    k > planned
                            ? spent[k - 2]
                            : AlphaSpending.spentBy(
                                    budget, k, Math.max(planned, 1), criteria.sequential());
        }
        return spent;
    }

    /**
     * Why the canary has served too little to pass so far — fewer than its share of {@code
     * minRequests} ({@code minRequests * k / K} after window k of K) — or empty when it has served
     * enough.
     */
    public Optional<String> tooFewCanaryRequests() {
        long served = canarySoFar().requests();
        int k = index();
        double needed =
                (double) criteria.minRequests() * Math.min(k, planned) / Math.max(planned, 1);
        return served < needed
                ? Optional.of(
                        String.format(
                                "only %d canary requests after window %d; at least %.0f are needed",
                                served, k, Math.ceil(needed)))
                : Optional.empty();
    }

    public WindowPair newest() {
        return windows.get(windows.size() - 1);
    }

    /** Everything the baseline served so far. */
    public Sample baselineSoFar() {
        return windows.stream().map(WindowPair::baseline).reduce(Sample.counts(0, 0), Sample::plus);
    }

    /**
     * A metric's points so far on one side, for the rank comparisons: {@code latency} is every
     * latency sample; any other name its series when the source gave one ({@code error-rate} per
     * second from the gateways, a custom query's range from Prometheus), else one point per window
     * (the window's error rate, or its custom value).
     */
    public double[] points(String metric, boolean canary) {
        List<Sample> sides = windows.stream().map(w -> canary ? w.canary() : w.baseline()).toList();
        if (metric.equals("latency")) {
            return sides.stream()
                    .flatMap(s -> s.latencyMs().stream())
                    .mapToDouble(Double::doubleValue)
                    .toArray();
        }
        if (sides.stream().anyMatch(s -> s.series().containsKey(metric))) {
            return sides.stream()
                    .flatMap(s -> s.series().getOrDefault(metric, List.of()).stream())
                    .mapToDouble(Double::doubleValue)
                    .toArray();
        }
        if (metric.equals("error-rate")) {
            return sides.stream()
                    .filter(s -> s.requests() > 0)
                    .mapToDouble(Sample::errorRate)
                    .toArray();
        }
        return sides.stream()
                .map(s -> s.values().get(metric))
                .filter(v -> v != null)
                .mapToDouble(Double::doubleValue)
                .toArray();
    }

    /** Everything the canary served so far. */
    public Sample canarySoFar() {
        return windows.stream().map(WindowPair::canary).reduce(Sample.counts(0, 0), Sample::plus);
    }
}
