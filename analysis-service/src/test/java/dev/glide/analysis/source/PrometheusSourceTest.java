package dev.glide.analysis.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.glide.analysis.judge.AnalysisEngine;
import dev.glide.analysis.judge.Criteria;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.RequiresTools;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus source against a real Prometheus scraping a stand-in application ({@link
 * PrometheusWithTarget}).
 */
@RequiresTools(DebianTool.Tool.PROMETHEUS)
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(PrometheusWithTarget.class)
class PrometheusSourceTest {

    private static final Criteria CRITERIA =
            new Criteria(0.05, 5000.0, 0.01, true, true, 100L, 20L, 2, null, null, null);

    /** The same, with the queue lag held to the baseline's (a rise is worse). */
    private static final Criteria WITH_QUEUE_LAG =
            new Criteria(
                    0.05,
                    5000.0,
                    0.01,
                    true,
                    true,
                    100L,
                    20L,
                    2,
                    null,
                    null,
                    null,
                    null,
                    Map.of(
                            "queue-lag",
                            new Criteria.MetricSpec(
                                    "increase", null, null, null, null, null, null)),
                    null);

    @Inject PrometheusSource source;

    @Test
    void anExperimentsGoalIsCountedPerVersionFromItsNumeratorAndDenominatorQueries()
            throws SourceException {
        AnalysedRollout rollout = new AnalysedRollout("r-goal", "checkout", "v1", "v2-good");
        long[] control =
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> goal(rollout, "v1"), counted -> counted[0] >= 200);
        long[] better = goal(rollout, "v2-good");

        assertThat((double) control[1] / control[0]).isCloseTo(0.10, within(0.02));
        assertThat((double) better[1] / better[0]).isCloseTo(0.20, within(0.03));
        assertThat(better[0]).isCloseTo(control[0], within(100L));
        assertThat(source.goal(rollout, "v1", "no-such-goal", Instant.now(), Instant.now()))
                .isEmpty();
    }

    /** The goal over the last 8 seconds, evaluated a second ago (the last scrape is in). */
    private long[] goal(AnalysedRollout rollout, String version) throws SourceException {
        Instant at = Instant.now().minusSeconds(1);
        return source.goal(rollout, version, "checkout", at.minusSeconds(8), at).orElseThrow();
    }

    @Test
    void eachVersionsRequestsErrorsAndP99ComeFromItsPromqlTemplates() {
        WindowPair window =
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(
                                () -> lastSeconds("v2-bad", 5),
                                w ->
                                        w.baseline().requests() >= 150
                                                && w.canary().requests() >= 150);

        assertThat(window.baseline().requests()).isBetween(150L, 400L);
        assertThat(window.canary().errorRate()).isCloseTo(0.10, within(0.03));
        assertThat(window.baseline().errorRate()).isLessThan(0.02);
        assertThat(window.baseline().p99()).isLessThan(500.0);
        assertThat(window.canary().p99()).isGreaterThan(500.0);
    }

    @Test
    void aCanaryWithErrorsIsFailedAndOneLikeItsBaselinePassed() throws SourceException {
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> lastSeconds("v2-good", 13).canary().requests() >= 500);

        assertThat(judge("v2-bad")).isEqualTo(Verdict.FAIL);
        assertThat(judge("v2-good")).isEqualTo(Verdict.PASS);
    }

    @Test
    void aCustomMetricWorseThanItsBaselineFailsACanaryThatIsHealthyOtherwise()
            throws SourceException {
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(
                        () ->
                                lastSeconds("v2-laggy", 13)
                                                .canary()
                                                .series()
                                                .get("queue-lag")
                                                .size()
                                        >= 12);
        WindowPair window = lastSeconds("v2-laggy", 4);
        assertThat(window.canary().series().get("queue-lag")).allMatch(lag -> lag > 0.7);
        assertThat(window.baseline().series().get("queue-lag")).allMatch(lag -> lag < 0.3);

        AnalysisEngine.Result laggy = judge("v2-laggy", WITH_QUEUE_LAG);
        assertThat(laggy.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(laggy.summary()).contains("queue-lag HIGH");
        assertThat(judge("v2-good", WITH_QUEUE_LAG).verdict()).isEqualTo(Verdict.PASS);
        // Without the comparison, nothing else about the laggy canary is wrong.
        assertThat(judge("v2-laggy", CRITERIA).verdict()).isEqualTo(Verdict.PASS);
    }

    /**
     * Three windows of four seconds, judged as a live analysis would. A window spans four scrapes:
     * increase() over a range holding a single scrape has no answer, and two-second windows of a
     * one-second scrape sometimes did.
     */
    private Verdict judge(String canary) throws SourceException {
        return judge(canary, CRITERIA).verdict();
    }

    private AnalysisEngine.Result judge(String canary, Criteria criteria) throws SourceException {
        Instant end = Instant.now().minusSeconds(1);
        List<WindowPair> windows = new ArrayList<>();
        for (int k = 3; k >= 1; k--) {
            windows.add(
                    source.collect(
                            rollout(canary),
                            end.minusSeconds(4L * k),
                            end.minusSeconds(4L * (k - 1))));
        }
        return new AnalysisEngine().judge(windows, criteria);
    }

    private WindowPair lastSeconds(String canary, int seconds) throws SourceException {
        Instant now = Instant.now();
        return source.collect(rollout(canary), now.minusSeconds(seconds), now);
    }

    private static AnalysedRollout rollout(String canary) {
        return new AnalysedRollout("r-prometheus", "checkout", "v1", canary);
    }
}
