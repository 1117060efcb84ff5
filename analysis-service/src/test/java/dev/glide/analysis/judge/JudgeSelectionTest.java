package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparing judges share the false-abort budget, and their shares must add up to 1. */
class JudgeSelectionTest {

    @Test
    void theStandardJudgesShareAlphaByTheDefaults() {
        AnalysisEngine engine = new AnalysisEngine();

        assertThat(engine).isNotNull();
        assertThat(
                        AnalysisEngine.DEFAULT_ALPHA_SHARES.get("fisher-mid-p")
                                + AnalysisEngine.DEFAULT_ALPHA_SHARES.get("mann-whitney-u"))
                .isEqualTo(1.0);
        assertThat(AnalysisEngine.DEFAULT_ALPHA_SHARES.get("fisher-exact"))
                .isEqualTo(AnalysisEngine.DEFAULT_ALPHA_SHARES.get("fisher-mid-p"));
    }

    @Test
    void sharesThatDoNotAddUpToOneAreRefusedNamingTheSetting() {
        assertThatThrownBy(
                        () ->
                                new AnalysisEngine(
                                        List.of(new FisherExactJudge(), new LatencyJudge()),
                                        Map.of("fisher-exact", 0.9)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("glide.analysis.alpha-shares")
                .hasMessageContaining("add up to 0.905");
    }

    @Test
    void aSingleComparingJudgeNeedsTheWholeBudget() {
        assertThatThrownBy(
                        () ->
                                new AnalysisEngine(
                                        List.of(new ThresholdJudge(), new FisherExactJudge()),
                                        Map.of()))
                .hasMessageContaining("must add up to 1");

        assertThat(
                        new AnalysisEngine(
                                List.of(new ThresholdJudge(), new FisherExactJudge()),
                                Map.of("fisher-exact", 1.0)))
                .isNotNull();
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(
                        () ->
                                new AnalysisEngine(
                                        List.of(new FisherExactJudge(), new LatencyJudge()),
                                        Map.of("fisher-exact", -0.5, "mann-whitney-u", 1.5)))
                .hasMessageContaining("glide.analysis.alpha-shares.fisher-exact: -0.5");
    }

    @Test
    void onlyComparisonsSpendAlpha() {
        assertThat(new ThresholdJudge().compares()).isFalse();
        assertThat(new FisherExactJudge().compares()).isTrue();
        assertThat(new LatencyJudge().compares()).isTrue();
    }
}
