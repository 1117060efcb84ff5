package dev.glide.analysis.judge;

import org.apache.commons.math3.distribution.HypergeometricDistribution;

/** Windows of a canary that fails like its baseline, for tests that enumerate every outcome. */
final class NullWindows {

    private NullWindows() {}

    /** The chance that the canary gets x of a window's errors if both versions fail alike. */
    static double chance(int requests, int errors, int canaryRequests, int x) {
        if (errors == 0) {
            return x == 0 ? 1 : 0;
        }
        return new HypergeometricDistribution(null, requests, errors, canaryRequests)
                .probability(x);
    }

    /**
     * A window of {@code requests} with {@code errors}, {@code canaryErrors} of them the canary's.
     */
    static WindowPair window(int requests, int errors, int canaryRequests, int canaryErrors) {
        int canary = Math.min(canaryErrors, errors);
        return new WindowPair(
                Sample.counts(requests - canaryRequests, errors - canary),
                Sample.counts(canaryRequests, canary));
    }
}
