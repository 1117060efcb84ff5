package dev.glide.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.analysis.gate.GateReceiver;
import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook gates in live analyses, through the real broker and database, against a real HTTP
 * receiver that checks each request's signature: an analysis of gates alone (before any traffic) is
 * decided by its gates with no metrics at all, and a failing gate fails an analysis whose metrics
 * are fine.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@TestProfile(GatedAnalysisTest.Signed.class)
class GatedAnalysisTest {

    static final String SECRET = "gate-secret";

    public static class Signed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glide.analysis.gates.secret", SECRET);
        }
    }

    private static GateReceiver receiver;

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @BeforeAll
    static void startReceiver() {
        receiver = GateReceiver.start(SECRET);
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void aFailingGateBeforeAnyTrafficFailsItsAnalysisWithTheReason() {
        String rollout = "r-" + UUID.randomUUID();
        start(rollout, List.of(), gate("smoke", "/red", "abort"));

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.summary())
                .contains("webhook gate smoke (preRollout) failed")
                .contains("answered 500: " + GateReceiver.RED);
        assertThat(verdict.checks())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.metric()).isEqualTo("gate smoke");
                            assertThat(c.test()).isEqualTo("webhook");
                            assertThat(c.passed()).isFalse();
                        });
        assertThat(receiver.badSignatures()).isZero();
    }

    @Test
    void aPassingGateAloneIsAPassWithoutAnyMetrics() {
        String rollout = "r-" + UUID.randomUUID();
        start(rollout, List.of(), gate("smoke", "/ok", "abort"));

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.PASS);
        assertThat(verdict.summary()).contains("answered 204");
    }

    @Test
    void aHangingGateThatPausesIsInconclusiveAfterItsTimeout() {
        String rollout = "r-" + UUID.randomUUID();
        start(rollout, List.of(), gate("slow", "/hang", "pause"));

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verdict.summary()).contains("gave no whole answer within 700ms");
    }

    @Test
    void aFailingRolloutGateFailsAWindowWhoseMetricsAreFine() {
        String rollout = "r-" + UUID.randomUUID();
        Gate gate = new Gate("load", Gate.ROLLOUT, receiver.url("/red"), "2s", 0, "abort");
        Instant start = start(rollout, List.of("error-rate"), gate);
        for (int k = 0; k < 1; k++) {
            probe.send(
                    Topics.TRAFFIC_METRICS,
                    rollout,
                    codec.encode(
                            new dev.glide.contract.TrafficMetrics(
                                    dev.glide.contract.TrafficMetrics.SCHEMA_VERSION,
                                    rollout,
                                    "checkout",
                                    start.plusMillis(100),
                                    start.plusMillis(900),
                                    "embedded",
                                    List.of(
                                            new dev.glide.contract.TrafficMetrics.VersionWindow(
                                                    dev.glide.contract.Role.STABLE,
                                                    "v1",
                                                    1000,
                                                    1,
                                                    null),
                                            new dev.glide.contract.TrafficMetrics.VersionWindow(
                                                    dev.glide.contract.Role.CANARY,
                                                    "v2",
                                                    500,
                                                    0,
                                                    null)))));
        }

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.checks()).extracting(AnalysisVerdict.Check::test).contains("webhook");
        assertThat(verdict.checks())
                .filteredOn(c -> !c.test().equals("webhook"))
                .allMatch(AnalysisVerdict.Check::passed);
    }

    private static Gate gate(String name, String path, String onFailure) {
        return new Gate(name, Gate.PRE_ROLLOUT, receiver.url(path), "700ms", 0, onFailure);
    }

    private Instant start(String rollout, List<String> metrics, Gate gate) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        RolloutEvent event =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout,
                        4,
                        "checkout",
                        "prod",
                        "canary",
                        "v1",
                        "v2",
                        RolloutState.PROGRESSING,
                        RolloutState.PROGRESSING,
                        0,
                        4,
                        Weights.canaryPercent(0),
                        "analysis started",
                        null,
                        null,
                        new AnalysisRequest(4, metrics, 1, 1, 0, List.of(gate)),
                        start,
                        "payments");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(event));
        return start;
    }

    private AnalysisVerdict awaitVerdict(String rollout) {
        return probe
                .awaitRecords(
                        Topics.ANALYSIS_VERDICTS, TopicProbe.WAIT, 1, r -> rollout.equals(r.key()))
                .stream()
                .map(r -> codec.decode(r.value(), AnalysisVerdict.class))
                .toList()
                .get(0);
    }
}
