package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.junit.jupiter.api.Test;

/**
 * The exact sequential error test: one look is Fisher's test with mid-p; over several looks the
 * chance of a false rejection at the interim looks, enumerated over every outcome under "both fail
 * alike", never exceeds what the design lets them spend, and what a look could not spend goes to
 * the next.
 */
class ConditionalPathTest {

    @Test
    void oneLookIsFishersTestWithMidP() {
        WindowPair window = new WindowPair(Sample.counts(3800, 20), Sample.counts(200, 4));

        ConditionalPath.Test test = ConditionalPath.at(List.of(window), new double[] {0.01});

        assertThat(test.p())
                .isCloseTo(ErrorRateJudge.midP(window.baseline(), window.canary()), within(1e-12));
        assertThat(test.level()).isEqualTo(0.01);
    }

    /**
     * Every outcome of two windows of a quiet canary, each window's canary errors hypergeometric
     * given the window's errors: the interim look rejects with at most the chance the design lets
     * it spend, and the second look is allowed its own spending plus what the first left unspent.
     */
    @Property(tries = 60)
    void interimLooksNeverSpendMoreThanTheDesignAllowsAndTheRestCarriesOn(
            @ForAll @IntRange(min = 0, max = 12) int errorsFirst,
            @ForAll @IntRange(min = 0, max = 12) int errorsSecond,
            @ForAll @IntRange(min = 5, max = 40) int canaryRequests) {
        int requests = 400;
        double[] spentBy = {0.02, 0.05};
        HypergeometricDistribution first =
                new HypergeometricDistribution(null, requests, errorsFirst, canaryRequests);
        double rejectedAtFirst = 0;
        for (int x = 0; x <= Math.min(errorsFirst, canaryRequests); x++) {
            List<WindowPair> soFar = List.of(window(requests, errorsFirst, canaryRequests, x));
            ConditionalPath.Test test = ConditionalPath.at(soFar, spentBy);
            assertThat(test.level()).isEqualTo(0.02);
            if (interimRejects(soFar, spentBy)) {
                rejectedAtFirst += first.probability(x);
            }
        }
        assertThat(rejectedAtFirst).isLessThanOrEqualTo(0.02 + 1e-12);

        List<WindowPair> twoWindows = new ArrayList<>();
        twoWindows.add(window(requests, errorsFirst, canaryRequests, 0));
        twoWindows.add(window(requests, errorsSecond, canaryRequests, 0));
        assertThat(ConditionalPath.at(twoWindows, spentBy).level())
                .isCloseTo(0.05 - rejectedAtFirst, within(1e-12));
    }

    @Test
    void aCanaryWithNoErrorsAtAllIsNeverARegression() {
        List<WindowPair> windows = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            windows.add(new WindowPair(Sample.counts(3800, 40), Sample.counts(200, 0)));
        }
        assertThat(ConditionalPath.at(windows, new double[] {0.001, 0.002, 0.003, 0.004, 0.01}).p())
                .isGreaterThan(0.5);
    }

    @Test
    void countsTooLargeToConvolveAreLeftToTheNormalDesign() {
        WindowPair quiet = new WindowPair(Sample.counts(3800, 40), Sample.counts(200, 2));
        WindowPair huge =
                new WindowPair(
                        Sample.counts(500_000_000, 5_000_000),
                        Sample.counts(500_000_000, 5_000_000));

        assertThat(ConditionalPath.tooLarge(List.of(quiet))).isFalse();
        assertThat(ConditionalPath.tooLarge(List.of(huge))).isTrue();
    }

    /** True when the interim look (look 1 of 2) rejects: its own p-value at or under its level. */
    private static boolean interimRejects(List<WindowPair> soFar, double[] spentBy) {
        // At an interim look the boundary counts its own probability wholly: the path's P(X >= x).
        WindowPair window = soFar.get(0);
        double atLeast =
                ErrorRateJudge.conditional(window.baseline(), window.canary()) == null
                        ? 1
                        : ErrorRateJudge.conditional(window.baseline(), window.canary()).atLeast();
        return atLeast <= spentBy[0];
    }

    private static WindowPair window(
            int requests, int errors, int canaryRequests, int canaryErrors) {
        int canary = Math.min(canaryErrors, errors);
        return new WindowPair(
                Sample.counts(requests - canaryRequests, errors - canary),
                Sample.counts(canaryRequests, canary));
    }
}
