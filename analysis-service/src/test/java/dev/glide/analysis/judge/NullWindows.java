package dev.glide.analysis.judge;

import java.util.List;
import java.util.function.Function;
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

    /**
     * The chance that the exact test rejects at the first of two looks, and at either, summed over
     * every outcome of two windows of {@code requests} with these errors in all, the looks deciding
     * as the judge decides with the spending {@code spending} gives for the windows so far.
     */
    static double[] rejected(
            int requests,
            int errorsFirst,
            int errorsSecond,
            int canaryRequests,
            Function<List<WindowPair>, double[]> spending) {
        double atFirst = 0;
        double either = 0;
        for (int x = 0; x <= Math.min(errorsFirst, canaryRequests); x++) {
            List<WindowPair> first = List.of(window(requests, errorsFirst, canaryRequests, x));
            ConditionalPath.Test test = ConditionalPath.at(first, spending.apply(first));
            double px = chance(requests, errorsFirst, canaryRequests, x);
            if (test.p() <= test.level()) {
                atFirst += px;
                either += px;
                continue;
            }
            for (int y = 0; y <= Math.min(errorsSecond, canaryRequests); y++) {
                List<WindowPair> both =
                        List.of(first.get(0), window(requests, errorsSecond, canaryRequests, y));
                ConditionalPath.Test second = ConditionalPath.at(both, spending.apply(both));
                if (second.p() <= second.level()) {
                    either += px * chance(requests, errorsSecond, canaryRequests, y);
                }
            }
        }
        return new double[] {atFirst, either};
    }
}
