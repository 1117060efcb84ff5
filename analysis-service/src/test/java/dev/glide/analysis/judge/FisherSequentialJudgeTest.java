package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The error test's early looks spend by evidence: a look where the canary could have had only a few
 * errors spends that fraction of what the design gives it, the last look the whole budget, and the
 * test stays exact (every outcome enumerated).
 */
class FisherSequentialJudgeTest {

    private static final double[] DESIGN = {0.001, 0.002, 0.01};

    @Test
    void aQuietCanarysEarlyLooksSpendByItsExpectedErrorsAndTheLastLookSpendsTheBudget() {
        // 3 800 + 200 requests a window, 40 errors in all: the canary's share is 2 expected errors
        WindowPair quiet = new WindowPair(Sample.counts(3800, 38), Sample.counts(200, 2));

        double[] spent = FisherSequentialJudge.byEvidence(List.of(quiet, quiet, quiet), DESIGN, 3);

        assertThat(spent[0]).isCloseTo(0.001 * 2 / 20, within(1e-12));
        assertThat(spent[1]).isCloseTo(0.002 * 4 / 20, within(1e-12));
        assertThat(spent[2]).isEqualTo(0.01);
    }

    @Test
    void aBusyCanarysEarlyLooksSpendAllTheDesignGivesThem() {
        // 400 errors in all at a 5 % share: 20 expected on the canary already in the first window
        WindowPair busy = new WindowPair(Sample.counts(3800, 380), Sample.counts(200, 20));

        assertThat(FisherSequentialJudge.byEvidence(List.of(busy, busy, busy), DESIGN, 3))
                .containsExactly(DESIGN);
    }

    /**
     * Every outcome of two windows, each window's canary errors hypergeometric given its errors in
     * all, judged at both looks as the judge judges them with spending by evidence: the first look
     * rejects with at most its scaled share, both together with at most the budget.
     */
    @Property(tries = 60)
    void spendingByEvidenceKeepsTheTestExact(
            @ForAll @IntRange(min = 0, max = 30) int errorsFirst,
            @ForAll @IntRange(min = 0, max = 30) int errorsSecond,
            @ForAll @IntRange(min = 10, max = 200) int canaryRequests) {
        int requests = 1000;
        double[] design = {0.02, 0.05};
        double[] rejected =
                NullWindows.rejected(
                        requests,
                        errorsFirst,
                        errorsSecond,
                        canaryRequests,
                        windows -> FisherSequentialJudge.byEvidence(windows, design, 2));
        double expectedFirst = (double) errorsFirst * canaryRequests / requests;
        assertThat(rejected[0])
                .isLessThanOrEqualTo(
                        0.02
                                        * Math.min(
                                                1,
                                                expectedFirst
                                                        / FisherSequentialJudge
                                                                .FULL_SPENDING_ERRORS)
                                + 1e-12);
        assertThat(rejected[1]).isLessThanOrEqualTo(0.05 + 1e-12);
    }
}
