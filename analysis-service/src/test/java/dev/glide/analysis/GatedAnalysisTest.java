package dev.glide.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.analysis.gate.GateReceiver;
import dev.glide.analysis.gate.GateRun;
import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.GateTest;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

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
                            new TrafficMetrics(
                                    TrafficMetrics.SCHEMA_VERSION,
                                    rollout,
                                    "checkout",
                                    start.plusMillis(100),
                                    start.plusMillis(900),
                                    "embedded",
                                    List.of(
                                            new TrafficMetrics.VersionWindow(
                                                    Role.STABLE, "v1", 1000, 1, null),
                                            new TrafficMetrics.VersionWindow(
                                                    Role.CANARY, "v2", 500, 0, null)))));
        }

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.checks()).extracting(AnalysisVerdict.Check::test).contains("webhook");
        assertThat(verdict.checks())
                .filteredOn(c -> !c.test().equals("webhook"))
                .allMatch(AnalysisVerdict.Check::passed);
    }

    @Test
    void aLoadTestGivesAQuietCanaryTheTrafficToPassAndFailsABadOne() {
        try (UpstreamServer good = UpstreamServer.start("v2");
                UpstreamServer bad = UpstreamServer.start("v2")) {
            bad.failRate(0.3);
            String passing = "r-" + UUID.randomUUID();
            String failing = "r-" + UUID.randomUUID();
            startLoaded(passing, good);
            startLoaded(failing, bad);

            AnalysisVerdict passed = awaitVerdict(passing, 2);
            AnalysisVerdict failed = awaitVerdict(failing, 1);

            assertThat(passed.verdict()).as(passed.summary()).isEqualTo(Verdict.PASS);
            assertThat(good.served()).as("the users sent the canary nothing").isGreaterThan(100);
            assertThat(passed.checks())
                    .filteredOn(c -> c.test().equals("load-test"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.detail()).contains("load test load (rollout)"));
            assertThat(failed.verdict()).as(failed.summary()).isEqualTo(Verdict.FAIL);
            assertThat(failed.summary()).contains("error");
        }
    }

    @Test
    void aGateWhoseReplicaDiedMidRunIsTakenOverAndRunsOnce() {
        String rollout = "r-" + UUID.randomUUID();
        Gate gate = gate("handover", "/ok", "abort");
        // a replica took the gate, and died: its lease runs out in a second
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            GateRun run =
                                    GateRun.open(
                                            new AnalysedRollout(rollout, "checkout", "v1", "v2"),
                                            4,
                                            1,
                                            gate,
                                            null,
                                            Instant.now().plusSeconds(60));
                            run.state = GateRun.State.RUNNING;
                            run.owner = "analysis@gone:1/dead";
                            run.attempts = 1;
                            run.leaseUntil = Instant.now().plusSeconds(1);
                        });
        start(rollout, List.of(), gate);

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.PASS);
        assertThat(receiver.received())
                .filteredOn(p -> p.path("rolloutId").asText().equals(rollout))
                .hasSize(1);
        GateRun after =
                QuarkusTransaction.requiringNew().call(() -> GateRun.of(rollout, 4, 1).get(0));
        assertThat(after.attempts).isEqualTo(2);
        assertThat(after.state).isEqualTo(GateRun.State.PASSED);
    }

    @Test
    void aGateThatAlreadyPassedIsNotRunAgain() {
        String rollout = "r-" + UUID.randomUUID();
        Gate gate = gate("once", "/red", "abort");
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            GateRun run =
                                    GateRun.open(
                                            new AnalysedRollout(rollout, "checkout", "v1", "v2"),
                                            4,
                                            1,
                                            gate,
                                            null,
                                            Instant.now().plusSeconds(60));
                            run.state = GateRun.State.PASSED;
                            run.finding =
                                    new Finding(
                                            new AnalysisVerdict.Check(
                                                    "gate once",
                                                    "webhook",
                                                    null,
                                                    null,
                                                    204.0,
                                                    null,
                                                    null,
                                                    true,
                                                    "webhook gate once (preRollout): answered 204"),
                                            Finding.Status.PASS);
                        });
        start(rollout, List.of(), gate);

        AnalysisVerdict verdict = awaitVerdict(rollout);

        assertThat(verdict.verdict()).isEqualTo(Verdict.PASS);
        assertThat(receiver.received())
                .filteredOn(p -> p.path("rolloutId").asText().equals(rollout))
                .isEmpty();
    }

    @Test
    void anAbortedRolloutsOnAbortGatesAreToldOnceSignedAndNothingWaitsOnThem() {
        String rollout = "r-" + UUID.randomUUID();
        Gate told = new Gate("tell", Gate.ON_ABORT, receiver.url("/red"), "700ms", 2, null);
        GateTargets targets =
                new GateTargets(
                        new Backend("v1", List.of("http://10.0.0.1:8080")),
                        new Backend("v2", List.of("http://10.0.0.2:8080")),
                        List.of());
        RolloutEvent aborted =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout,
                        9,
                        "checkout",
                        "prod",
                        "canary",
                        "v1",
                        "v2",
                        RolloutState.ABORTING,
                        RolloutState.ABORTED,
                        2,
                        4,
                        Weights.canaryPercent(0),
                        "all traffic is back on stable",
                        null,
                        "analysis failed",
                        new AnalysisRequest(9, List.of(), 1, 1, 0, List.of(told), targets),
                        Instant.now(),
                        "payments");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(aborted));
        // redelivered: told once all the same
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(aborted));

        GateRun run =
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(
                                () ->
                                        QuarkusTransaction.requiringNew()
                                                .call(
                                                        () ->
                                                                GateRun.of(rollout, 9, GateRun.TOLD)
                                                                        .stream()
                                                                        .findFirst()
                                                                        .orElse(null)),
                                r -> r != null && r.state.ended());

        // a failed answer is tried again as the gate says (2 retries), and changes nothing else
        assertThat(run.state).isEqualTo(GateRun.State.FAILED);
        assertThat(receiver.received())
                .filteredOn(p -> p.path("rolloutId").asText().equals(rollout))
                .hasSize(3)
                .allSatisfy(
                        p -> {
                            assertThat(p.path("phase").asText()).isEqualTo("onAbort");
                            assertThat(p.path("stable").path("endpoints").get(0).asText())
                                    .isEqualTo("http://10.0.0.1:8080");
                        });
        assertThat(receiver.badSignatures()).isZero();
        assertThat(probe.readAll(Topics.ANALYSIS_VERDICTS, r -> rollout.equals(r.key())))
                .as("nobody waits on a told gate")
                .isEmpty();
    }

    /**
     * An analysis of two 2 s windows whose users reach only stable (200 requests a second), with a
     * load test sending 40 a second straight to the canary.
     */
    private void startLoaded(String rollout, UpstreamServer canary) {
        Gate load =
                new Gate(
                        "load",
                        Gate.ROLLOUT,
                        null,
                        new GateTest(
                                "load", null, 40.0, null, null, "/", null, null, null, null, null),
                        "2s",
                        0,
                        "abort");
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        for (int second = 0; second < 5; second++) {
            // each second's window goes out once it ended, as a gateway's does
            long due = Duration.between(Instant.now(), start.plusSeconds(second + 1)).toMillis();
            int at = second;
            clock.schedule(() -> sendStable(rollout, start, at), due, TimeUnit.MILLISECONDS);
        }
        GateTargets targets =
                new GateTargets(
                        new Backend("v1", List.of("http://127.0.0.1:1")),
                        new Backend("v2", List.of(canary.endpoint())),
                        List.of());
        send(
                rollout,
                start,
                new AnalysisRequest(4, List.of("error-rate"), 2, 2, 0, List.of(load), targets));
    }

    private void sendStable(String rollout, Instant start, int second) {
        probe.send(
                Topics.TRAFFIC_METRICS,
                rollout,
                codec.encode(
                        new TrafficMetrics(
                                TrafficMetrics.SCHEMA_VERSION,
                                rollout,
                                "checkout",
                                start.plusSeconds(second),
                                start.plusSeconds(second + 1),
                                "embedded",
                                List.of(
                                        new TrafficMetrics.VersionWindow(
                                                Role.STABLE, "v1", 200, 0, null)))));
    }

    private static Gate gate(String name, String path, String onFailure) {
        return new Gate(name, Gate.PRE_ROLLOUT, receiver.url(path), "700ms", 0, onFailure);
    }

    private Instant start(String rollout, List<String> metrics, Gate gate) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        send(rollout, start, new AnalysisRequest(4, metrics, 1, 1, 0, List.of(gate)));
        return start;
    }

    private void send(String rollout, Instant start, AnalysisRequest analysis) {
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
                        analysis,
                        start,
                        "payments");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(event));
    }

    private AnalysisVerdict awaitVerdict(String rollout) {
        return awaitVerdict(rollout, 1);
    }

    /** The rollout's verdict for window {@code window}. */
    private AnalysisVerdict awaitVerdict(String rollout, int window) {
        return probe
                .awaitRecords(
                        Topics.ANALYSIS_VERDICTS,
                        TopicProbe.WAIT,
                        1,
                        r ->
                                rollout.equals(r.key())
                                        && codec.decode(r.value(), AnalysisVerdict.class).window()
                                                == window)
                .stream()
                .map(r -> codec.decode(r.value(), AnalysisVerdict.class))
                .toList()
                .get(0);
    }
}
