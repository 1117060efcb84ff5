package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.analysis.judge.Criteria.KayentaSettings;
import dev.glide.analysis.judge.Criteria.MetricSpec;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** {@code scoring: kayenta} through the engine: classification, score and the two thresholds. */
class KayentaScoringTest {

    private final AnalysisEngine engine = new AnalysisEngine();
    private final Well19937c random = new Well19937c(7);

    @Test
    void aSlowerCanaryScoresAtOrBelowMarginalAndFailsAtOnce() {
        AnalysisEngine.Result result =
                engine.judge(
                        windows(1.3, 0.2, 0.2),
                        kayenta(new KayentaSettings(null, null, null, null, null)));

        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.decidedAtWindow()).isEqualTo(1);
        // latency High, queue lag Pass: one group of two passes, the other fails.
        assertThat(result.score()).isEqualTo(50);
        assertThat(result.summary()).contains("Kayenta score 50.0").contains("latency HIGH");
    }

    @Test
    void aCanaryLikeItsBaselinePassesAtTheLastWindow() {
        AnalysisEngine.Result result =
                engine.judge(
                        windows(1.0, 0.2, 0.2),
                        kayenta(new KayentaSettings(null, null, null, null, null)));

        assertThat(result.verdict()).isEqualTo(Verdict.PASS);
        assertThat(result.decidedAtWindow()).isEqualTo(5);
        assertThat(result.score()).isEqualTo(100);
    }

    @Test
    void betweenMarginalAndPassAtTheEndAPersonDecides() {
        // The queue lag is worse, latency is not; with the lag's group weighted 20, the score is
        // 80.
        AnalysisEngine.Result result =
                engine.judge(
                        windows(1.0, 0.2, 0.6),
                        kayenta(
                                new KayentaSettings(
                                        null,
                                        null,
                                        null,
                                        null,
                                        Map.of("lag", 20.0, "latency", 80.0))));

        assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(result.decidedAtWindow()).isEqualTo(5);
        assertThat(result.score()).isEqualTo(80);
        assertThat(result.summary()).contains("marginal, a person decides");
    }

    @Test
    void aCriticalMetricThatIsNotPassScoresZero() {
        Criteria criteria =
                new Criteria(
                        null,
                        null,
                        null,
                        null,
                        null,
                        0L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "kayenta",
                        Map.of(
                                "latency",
                                new MetricSpec("increase", null, null, null, null, null, "latency"),
                                "queue-lag",
                                new MetricSpec("increase", null, null, true, null, null, "lag")),
                        null);

        AnalysisEngine.Result result = engine.judge(windows(1.0, 0.2, 0.6), criteria);

        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.score()).isZero();
    }

    private static Criteria kayenta(KayentaSettings settings) {
        return new Criteria(
                null,
                null,
                null,
                null,
                null,
                0L,
                null,
                null,
                null,
                null,
                null,
                "kayenta",
                Map.of(
                        "latency",
                        new MetricSpec("increase", null, null, null, null, null, "latency"),
                        "queue-lag",
                        new MetricSpec("increase", null, null, null, null, null, "lag")),
                settings);
    }

    /** Five windows: latency samples and a queue-lag series per side. */
    private List<WindowPair> windows(double latencyFactor, double baselineLag, double canaryLag) {
        List<WindowPair> windows = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            windows.add(new WindowPair(side(1.0, baselineLag), side(latencyFactor, canaryLag)));
        }
        return windows;
    }

    private Sample side(double latencyFactor, double lag) {
        LogNormalDistribution latency =
                new LogNormalDistribution(random, Math.log(80 * latencyFactor), 0.35);
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            samples.add(latency.sample());
        }
        List<Double> lags = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lags.add(lag + 0.05 * random.nextGaussian());
        }
        return new Sample(1000, 2, samples, null, Map.of(), Map.of("queue-lag", lags));
    }
}
