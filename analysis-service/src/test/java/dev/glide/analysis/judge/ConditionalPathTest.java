package dev.glide.analysis.judge;

import static dev.glide.analysis.judge.NullWindows.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The exact sequential error test: one look is Fisher's exact test; over several looks the chance
 * of a false rejection, enumerated over every outcome under "both fail alike" and decided as the
 * judge decides, never exceeds what the design lets the looks spend, and what a look could not
 * spend goes to the next.
 */
class ConditionalPathTest {

    @Test
    void oneLookIsFishersExactTest() {
        WindowPair window = new WindowPair(Sample.counts(3800, 20), Sample.counts(200, 4));

        ConditionalPath.Test test = ConditionalPath.at(List.of(window), new double[] {0.01});

        assertThat(test.p())
                .isCloseTo(
                        ErrorRateJudge.conditional(window.baseline(), window.canary()).atLeast(),
                        within(1e-12));
        assertThat(test.level()).isEqualTo(0.01);
    }

    /**
     * Every outcome of two windows of a quiet canary, each window's canary errors hypergeometric
     * given the window's errors, judged at both looks as the judge judges them: the first look
     * rejects with at most the chance it may spend, both looks together with at most the budget,
     * and the second look is allowed its own spending plus what the first left unspent.
     */
    @Property(tries = 60)
    void theLooksNeverSpendMoreThanTheDesignAllowsAndTheRestCarriesOn(
            @ForAll @IntRange(min = 0, max = 12) int errorsFirst,
            @ForAll @IntRange(min = 0, max = 12) int errorsSecond,
            @ForAll @IntRange(min = 5, max = 40) int canaryRequests) {
        int requests = 400;
        double[] spentBy = {0.02, 0.05};
        for (int x = 0; x <= Math.min(errorsFirst, canaryRequests); x++) {
            List<WindowPair> first = List.of(window(requests, errorsFirst, canaryRequests, x));
            assertThat(ConditionalPath.at(first, spentBy).level()).isEqualTo(0.02);
        }
        double[] rejected =
                NullWindows.rejected(
                        requests, errorsFirst, errorsSecond, canaryRequests, windows -> spentBy);
        double rejectedAtFirst = rejected[0];
        assertThat(rejectedAtFirst).isLessThanOrEqualTo(0.02 + 1e-12);
        assertThat(rejected[1]).isLessThanOrEqualTo(0.05 + 1e-12);

        List<WindowPair> twoWindows = new ArrayList<>();
        twoWindows.add(window(requests, errorsFirst, canaryRequests, 0));
        twoWindows.add(window(requests, errorsSecond, canaryRequests, 0));
        assertThat(ConditionalPath.at(twoWindows, spentBy).level())
                .isCloseTo(0.05 - rejectedAtFirst, within(1e-12));
    }

    /**
     * At equal counts, errors that came in the newest window are the more extreme: the boundary can
     * fall inside a count, so the test is less discrete than one on counts alone.
     */
    @Test
    void atEqualCountsLaterErrorsAreTheMoreExtreme() {
        WindowPair quiet = window(4000, 10, 200, 0);
        WindowPair early = window(4000, 10, 200, 4);
        WindowPair late = window(4000, 10, 200, 4);
        double[] spentBy = {0.001, 0.01};

        double lateP = ConditionalPath.at(List.of(quiet, late), spentBy).p();
        double earlyP = ConditionalPath.at(List.of(early, window(4000, 10, 200, 0)), spentBy).p();

        assertThat(lateP).isLessThan(earlyP);
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
}
