package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.glide.analysis.judge.KayentaScorer.Scored;
import dev.glide.analysis.judge.MetricClassification.Classification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kayenta's published scorer cases (spinnaker/kayenta, kayenta-judge ScorerSuite). */
class KayentaScorerTest {

    private static Scored in(String group, Classification classification) {
        return new Scored(group, classification, false, false, false);
    }

    @Test
    void singleMetricPass() {
        assertThat(KayentaScorer.score(List.of(in("g", Classification.PASS)), Map.of()))
                .isEqualTo(100.0);
    }

    @Test
    void singleMetricFail() {
        assertThat(KayentaScorer.score(List.of(in("g", Classification.HIGH)), Map.of()))
                .isEqualTo(0.0);
    }

    @Test
    void oneGroupTwoMetrics() {
        assertThat(
                        KayentaScorer.score(
                                List.of(in("g", Classification.PASS), in("g", Classification.HIGH)),
                                Map.of()))
                .isEqualTo(50.0);
    }

    @Test
    void oneGroupThreeMetrics() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("g", Classification.PASS),
                                        in("g", Classification.HIGH),
                                        in("g", Classification.LOW)),
                                Map.of()))
                .isCloseTo(33.33, within(1e-2));
    }

    @Test
    void twoGroupsThreeMetrics() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("group-1", Classification.PASS),
                                        in("group-1", Classification.PASS),
                                        in("group-2", Classification.HIGH)),
                                Map.of("group-1", 75.0, "group-2", 25.0)))
                .isEqualTo(75.0);
    }

    @Test
    void twoGroupsThreeMetricsEqualWeight() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("group-1", Classification.PASS),
                                        in("group-1", Classification.HIGH),
                                        in("group-2", Classification.HIGH)),
                                Map.of("group-1", 50.0, "group-2", 50.0)))
                .isEqualTo(25.0);
    }

    @Test
    void noData() {
        assertThat(KayentaScorer.score(List.of(in("g", Classification.NODATA)), Map.of()))
                .isEqualTo(0.0);
    }

    @Test
    void aFailingCriticalMetricScoresZero() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("g", Classification.PASS),
                                        new Scored("g", Classification.HIGH, true, false, false)),
                                Map.of()))
                .isEqualTo(0.0);
    }

    @Test
    void aLowNormalMetricBesideAPassingCriticalOneScoresHalf() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("g", Classification.LOW),
                                        new Scored("g", Classification.PASS, true, false, false)),
                                Map.of()))
                .isEqualTo(50.0);
    }

    @Test
    void aReportOnlyMetricIsNotCounted() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("g", Classification.PASS),
                                        new Scored("g", Classification.HIGH, false, false, true)),
                                Map.of()))
                .isEqualTo(100.0);
    }

    @Test
    void aMetricThatMustHaveDataFailsItsGroupWithout() {
        assertThat(
                        KayentaScorer.score(
                                List.of(
                                        in("g", Classification.PASS),
                                        new Scored("g", Classification.NODATA, false, true, false)),
                                Map.of()))
                .isEqualTo(50.0);
    }
}
