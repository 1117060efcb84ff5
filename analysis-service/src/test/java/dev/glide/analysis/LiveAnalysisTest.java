package dev.glide.analysis;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.LatencyHistogram;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.ServesOperationalEndpoints;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * The planner starts an analysis on rollout-events, the gateway's windows arrive on
 * traffic-metrics, and a verdict per interval comes out on analysis-verdicts — all through the real
 * broker.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class LiveAnalysisTest implements ServesOperationalEndpoints {

    private static final Duration WAIT = TopicProbe.WAIT;
    private static final List<Double> BOUNDS = List.of(25.0, 50.0, 100.0, 200.0, 400.0);
    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void aCanaryServingErrorsFailsAtTheFirstWindowWithItsEvidence() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startAnalysis(rollout, 7, 3);
        for (int k = 0; k < 3; k++) {
            send(rollout, start.plusSeconds(k), 1000, 1, 500, 25);
        }

        AnalysisVerdict verdict = awaitVerdicts(rollout, 1).get(0);
        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.stepSequence()).isEqualTo(7);
        assertThat(verdict.window()).isEqualTo(1);
        assertThat(verdict.score()).isLessThan(50);
        AnalysisVerdict.Check comparison = check(verdict, "fisher-sequential");
        assertThat(comparison.metric()).isEqualTo("error-rate");
        assertThat(comparison.baseline()).isEqualTo(0.001);
        assertThat(comparison.canary()).isEqualTo(0.05);
        assertThat(comparison.pValue()).isLessThan(comparison.threshold());
        assertThat(comparison.passed()).isFalse();
        AnalysisVerdict.Check ceiling = check(verdict, "threshold");
        assertThat(ceiling.threshold()).isEqualTo(0.01);
        assertThat(verdict.summary())
                .startsWith(
                        "canary 25 errors in 500 (5.000 %) against baseline 1 in 1000 (0.100 %)");
    }

    @Test
    void anAnalysisStartedByAnEventOfSchemaVersionOneIsJudgedAndATrainsEventStartsNone() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        // a train's event and a rollout's, exactly as the planner of schema version 1 wrote them
        probe.send(
                Topics.ROLLOUT_EVENTS,
                "train-" + rollout,
                """
                {"schemaVersion": 1, "rolloutId": "train-%s", "sequence": 3, "service": "trip",
                 "environment": "prod", "strategy": "train", "to": "PROGRESSING", "stepIndex": 0,
                 "stepCount": 5, "train": true, "members": [{"service": "checkout",
                 "version": "v2", "rolloutId": "%s", "state": "CANARY", "canaryPercent": 0.0,
                 "dependsOn": []}]}
                """
                        .formatted(rollout, rollout));
        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                """
                {"to": "PROGRESSING", "from": "PROGRESSING", "team": "payments", "actor": null,
                 "cause": "analysis started", "train": false, "reason": null, "members": [],
                 "service": "checkout", "trainId": null, "weights": {"canary": 25.0, "stable": 75.0},
                 "analysis": {"count": 3, "metrics": ["error-rate", "latency-p99"],
                  "failureLimit": 0, "intervalSeconds": 1, "analysisSequence": 7},
                 "sequence": 7, "strategy": "canary", "rolloutId": "%s", "stepCount": 4,
                 "stepIndex": 1, "occurredAt": "%s", "environment": "prod",
                 "canaryVersion": "v2", "schemaVersion": 1, "stableVersion": "v1"}
                """
                        .formatted(rollout, start));
        for (int k = 0; k < 3; k++) {
            send(rollout, start.plusSeconds(k), 1000, 1, 500, 25);
        }

        AnalysisVerdict verdict = awaitVerdicts(rollout, 1).get(0);
        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.stepSequence()).isEqualTo(7);
        assertThat(
                        probe.readAll(
                                Topics.deadLetterOf(Topics.ROLLOUT_EVENTS),
                                r -> r.key().endsWith(rollout)))
                .as("neither version-1 event was dead-lettered")
                .isEmpty();
    }

    @Test
    void aCanaryLikeItsBaselinePassesEveryWindow() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startAnalysis(rollout, 3, 3);
        for (int k = 0; k < 3; k++) {
            send(rollout, start.plusSeconds(k), 1000, 2, 500, 1);
        }

        List<AnalysisVerdict> verdicts = awaitVerdicts(rollout, 3);
        assertThat(verdicts).extracting(AnalysisVerdict::window).containsExactly(1, 2, 3);
        assertThat(verdicts).extracting(AnalysisVerdict::verdict).containsOnly(Verdict.PASS);
        assertThat(check(verdicts.get(2), "mann-whitney-u").detail())
                .contains("1500 and 3000 samples");
    }

    @Test
    void metricsThatArriveLateAreWaitedForInsteadOfJudgingAWindowOnNothing() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startAnalysis(rollout, 3, 2);

        // the gateways' windows are late (a metrics consumer crashed, a rebalance): no verdict is
        // made up meanwhile
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                probe.readAll(
                                                Topics.ANALYSIS_VERDICTS,
                                                r -> rollout.equals(r.key()))
                                        .isEmpty());
        for (int k = 0; k < 2; k++) {
            send(rollout, start.plusSeconds(k), 1000, 2, 500, 1);
        }

        List<AnalysisVerdict> verdicts = awaitVerdicts(rollout, 2);
        assertThat(verdicts)
                .extracting(AnalysisVerdict::verdict)
                .containsExactly(Verdict.PASS, Verdict.PASS);
        assertThat(verdicts.get(1).summary())
                .isEqualTo("no regression found after window 2 (1000 canary requests)");
    }

    @Test
    void aCanaryWithAlmostNoTrafficIsInconclusiveNeverPass() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startAnalysis(rollout, 3, 2);
        for (int k = 0; k < 2; k++) {
            send(rollout, start.plusSeconds(k), 1000, 0, 3, 0);
        }

        List<AnalysisVerdict> verdicts = awaitVerdicts(rollout, 2);
        assertThat(verdicts)
                .extracting(AnalysisVerdict::verdict)
                .containsOnly(Verdict.INCONCLUSIVE);
        assertThat(verdicts.get(1).summary())
                .isEqualTo("only 6 canary requests after window 2; at least 100 are needed");
    }

    @Test
    void aMalformedWindowLandsOnTheDeadLetterTopicWithItsReason() {
        String rollout = "r-" + UUID.randomUUID();
        String malformed =
                codec.encode(window(rollout, Instant.now(), 10, 0, 10, 1))
                        .replace("\"errors\":0", "\"errors\":11");

        RecordMetadata sent = probe.send(Topics.TRAFFIC_METRICS, rollout, malformed);

        ConsumerRecord<String, String> dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.TRAFFIC_METRICS),
                        WAIT,
                        r -> rollout.equals(r.key()));
        assertThat(dead.value()).isEqualTo(malformed);
        assertThat(header(dead, Topics.DLQ_REASON_HEADER))
                .isEqualTo("malformed TrafficMetrics: versions[0]: errors cannot exceed requests");
        assertThat(header(dead, Topics.DLQ_TOPIC_HEADER)).isEqualTo(Topics.TRAFFIC_METRICS);
        assertThat(header(dead, Topics.DLQ_OFFSET_HEADER)).isEqualTo(String.valueOf(sent.offset()));
    }

    /**
     * The planner's event starting an analysis of 1 s windows at the next whole second; returns
     * that second.
     */
    private Instant startAnalysis(String rollout, long sequence, int count) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        RolloutEvent event =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout,
                        sequence,
                        "checkout",
                        "prod",
                        "canary",
                        "v1",
                        "v2",
                        RolloutState.PROGRESSING,
                        RolloutState.PROGRESSING,
                        1,
                        4,
                        Weights.canaryPercent(25),
                        "analysis started",
                        null,
                        null,
                        new AnalysisRequest(
                                sequence, List.of("error-rate", "latency-p99"), 1, count, 0),
                        start,
                        "payments");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(event));
        return start;
    }

    private void send(
            String rollout,
            Instant windowOf,
            long baseline,
            long baselineErrors,
            long canary,
            long canaryErrors) {
        probe.send(
                Topics.TRAFFIC_METRICS,
                rollout,
                codec.encode(
                        window(rollout, windowOf, baseline, baselineErrors, canary, canaryErrors)));
    }

    private List<AnalysisVerdict> awaitVerdicts(String rollout, int count) {
        return probe
                .awaitRecords(Topics.ANALYSIS_VERDICTS, WAIT, count, r -> rollout.equals(r.key()))
                .stream()
                .map(r -> codec.decode(r.value(), AnalysisVerdict.class))
                .toList();
    }

    private static AnalysisVerdict.Check check(AnalysisVerdict verdict, String test) {
        return verdict.checks().stream()
                .filter(c -> c.test().equals(test))
                .findFirst()
                .orElseThrow();
    }

    /**
     * A gateway window inside the analysis window starting at {@code windowOf}, both sides equally
     * fast.
     */
    private static TrafficMetrics window(
            String rollout,
            Instant windowOf,
            long baseline,
            long baselineErrors,
            long canary,
            long canaryErrors) {
        return new TrafficMetrics(
                TrafficMetrics.SCHEMA_VERSION,
                rollout,
                "checkout",
                windowOf.plusMillis(100),
                windowOf.plusMillis(900),
                "embedded",
                List.of(
                        new VersionWindow(
                                Role.STABLE, "v1", baseline, baselineErrors, latency(baseline)),
                        new VersionWindow(
                                Role.CANARY, "v2", canary, canaryErrors, latency(canary))));
    }

    private static LatencyHistogram latency(long requests) {
        long fast = requests * 6 / 10;
        long medium = requests * 3 / 10;
        return new LatencyHistogram(
                BOUNDS, List.of(fast, medium, requests - fast - medium, 0L, 0L, 0L));
    }
}
