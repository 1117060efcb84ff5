package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.AnalysisVerdict.Verdict;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisEngineTest {

    private final AnalysisEngine engine = new AnalysisEngine();

    /** Thresholds only: 1 % errors at most, two failing windows in a row to FAIL. */
    private static final Criteria THRESHOLDS =
            new Criteria(0.01, null, 0.01, false, true, 100L, 20L, 2, null, null, null);

    @Test
    void oneWindowOverTheCeilingIsForgivenTwoInARowFail() {
        WindowPair bad = new WindowPair(Sample.counts(1000, 1), Sample.counts(100, 5));
        WindowPair good = new WindowPair(Sample.counts(1000, 1), Sample.counts(100, 0));

        AnalysisEngine.Result forgiven = engine.judge(List.of(bad, good, bad, good), THRESHOLDS);
        AnalysisEngine.Result failed = engine.judge(List.of(good, bad, bad, good), THRESHOLDS);

        assertThat(forgiven.verdict()).isEqualTo(Verdict.PASS);
        assertThat(failed.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(failed.decidedAtWindow()).isEqualTo(3);
        assertThat(failed.summary())
                .isEqualTo(
                        "canary error-rate 5.00 % exceeds the ceiling of 1.00 % (2 windows in a row)");
    }

    @Test
    void aQuietCanaryIsInconclusiveAndAQuietWindowDoesNotCountAgainstIt() {
        WindowPair quiet = new WindowPair(Sample.counts(1000, 0), Sample.counts(5, 5));

        AnalysisEngine.Result result = engine.judge(Collections.nCopies(3, quiet), THRESHOLDS);

        assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(result.score()).isEqualTo(50);
        assertThat(result.summary())
                .isEqualTo("only 15 canary requests after window 3; at least 100 are needed");
    }

    @Test
    void aClearErrorRegressionIsStoppedAtTheFirstWindowByTheComparison() {
        Criteria compare =
                new Criteria(null, null, 0.01, true, true, 100L, 20L, 2, null, null, null);
        WindowPair window = new WindowPair(Sample.counts(3000, 3), Sample.counts(1000, 30));

        AnalysisEngine.Result result = engine.judge(Collections.nCopies(10, window), compare);

        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.decidedAtWindow()).isEqualTo(1);
        assertThat(result.checks())
                .singleElement()
                .satisfies(
                        check -> {
                            assertThat(check.test()).isEqualTo("fisher-sequential");
                            assertThat(check.pValue()).isLessThan(1e-6);
                        });
    }

    @Test
    void aSignificantButTinyRiseIsNotARegression() {
        Criteria compare =
                new Criteria(null, null, 0.01, true, false, 100L, 20L, 2, null, null, null);
        // 1.10 % against 1.00 % on a million requests each: significant, but under the 20 % that
        // matters
        WindowPair window =
                new WindowPair(Sample.counts(1_000_000, 10_000), Sample.counts(1_000_000, 11_000));

        assertThat(engine.judge(List.of(window), compare).verdict()).isEqualTo(Verdict.PASS);
    }
}
