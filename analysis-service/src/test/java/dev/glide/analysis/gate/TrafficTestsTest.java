package dev.glide.analysis.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.Backend;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.GateTest;
import dev.glide.contract.Role;
import dev.glide.contract.TrafficMetrics;
import dev.glide.testsupport.UpstreamServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Smoke and load tests sending to a real HTTP server standing in for the new version. */
class TrafficTestsTest {

    private UpstreamServer canary;
    private final List<TrafficMetrics> windows = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        canary = UpstreamServer.start("v2");
    }

    @AfterEach
    void stop() {
        canary.close();
    }

    @Test
    void aSmokeTestOfAHealthyVersionPassesWithItsTally() throws Exception {
        Finding finding = new SmokeTest().run(run(smoke(5, null, null), canary), held());

        assertThat(finding.status()).isEqualTo(Status.PASS);
        assertThat(finding.check().detail())
                .contains("smoke test smoke (prePromotion): passed; 5 sent, 0 failed, latency p50");
        assertThat(canary.served()).isEqualTo(5);
    }

    @Test
    void aSmokeTestFailsOnAnyUnexpectedAnswerAndNamesTheFirstOnes() throws Exception {
        canary.failRate(1.0);
        Finding finding = new SmokeTest().run(run(smoke(4, null, null), canary), held());

        assertThat(finding.status()).isEqualTo(Status.FAIL);
        assertThat(finding.check().passed()).isFalse();
        assertThat(finding.check().detail())
                .contains("4 sent, 4 failed")
                .contains("first failures: #1 " + canary.endpoint() + "/health answered 500");
    }

    @Test
    void theExpectedStatusAndBodyTextAreChecked() throws Exception {
        assertThat(new SmokeTest().run(run(smoke(2, 200, "v2"), canary), held()).status())
                .isEqualTo(Status.PASS);
        Finding wrongText = new SmokeTest().run(run(smoke(2, 200, "v3"), canary), held());
        assertThat(wrongText.status()).isEqualTo(Status.FAIL);
        assertThat(wrongText.check().detail()).contains("without 'v3' in its body");
        Finding wrongStatus = new SmokeTest().run(run(smoke(2, 201, null), canary), held());
        assertThat(wrongStatus.check().detail()).contains("answered 200 (expected 201)");
    }

    @Test
    void aSmokeTestThatPausesOnFailureIsInconclusive() throws Exception {
        canary.failRate(1.0);
        Gate pausing =
                new Gate(
                        "smoke",
                        "prePromotion",
                        null,
                        test("smoke", 2, null, null, null),
                        "2s",
                        0,
                        "pause");
        assertThat(new SmokeTest().run(run(pausing, canary), held()).status())
                .isEqualTo(Status.INCONCLUSIVE);
    }

    @Test
    void aVersionWithoutEndpointsFailsTheTestSayingSo() throws Exception {
        GateRun run = run(smoke(2, null, null), canary);
        run.targets = new GateTargets(null, new Backend("v2", List.of()), List.of());
        Finding finding = new SmokeTest().run(run, held());
        assertThat(finding.status()).isEqualTo(Status.FAIL);
        assertThat(finding.check().detail()).contains("no endpoints");
    }

    @Test
    void aLoadTestSendsAtItsRateAndCountsTheAnswersAsTheCanarysTraffic() throws Exception {
        canary.failRate(0.5);
        Gate load =
                new Gate(
                        "load",
                        "rollout",
                        null,
                        new GateTest(
                                "load", null, 20.0, "3s", null, "/", null, null, null, null, null),
                        "2s",
                        0,
                        "abort");
        GateRun run = run(load, canary);
        run.runsUntil = Instant.now().plusSeconds(30);
        Finding finding = new LoadTest(windows::add).run(run, held());

        assertThat(finding.status()).as("the analysis judges its answers").isEqualTo(Status.PASS);
        await().untilAsserted(
                        () ->
                                assertThat(
                                                windows.stream()
                                                        .mapToLong(
                                                                w -> w.of(Role.CANARY).requests())
                                                        .sum())
                                        .isEqualTo(canary.served()));
        long requests = 0;
        long errors = 0;
        for (TrafficMetrics window : windows) {
            assertThat(window.rolloutId()).isEqualTo("r-1");
            assertThat(window.of(Role.STABLE)).isNull();
            requests += window.of(Role.CANARY).requests();
            errors += window.of(Role.CANARY).errors();
            assertThat(window.of(Role.CANARY).version()).isEqualTo("v2");
        }
        assertThat(requests).as("3 s at 20 a second").isBetween(50L, 70L);
        assertThat(requests).isEqualTo(canary.served());
        assertThat((double) errors / requests).isBetween(0.25, 0.75);
        assertThat(windows.size()).as("a window a second").isBetween(3, 5);
        assertThat(finding.check().detail()).contains(requests + " sent");
    }

    @Test
    void aTestWhoseLeaseIsLostStopsWithoutAFinding() throws Exception {
        Finding finding =
                new SmokeTest()
                        .run(
                                run(smoke(50, null, null), canary),
                                new GateCheck.Lease() {
                                    @Override
                                    public boolean held() {
                                        return false;
                                    }

                                    @Override
                                    public void report(Finding progress) {}
                                });
        assertThat(finding).isNull();
        assertThat(canary.served()).isZero();
    }

    private static GateTest test(
            String kind, Integer requests, Integer status, String text, String url) {
        return new GateTest(
                kind, requests, 50.0, null, null, "/health", Map.of(), null, status, text, url);
    }

    private static Gate smoke(int requests, Integer status, String text) {
        return new Gate(
                "smoke",
                "prePromotion",
                null,
                test("smoke", requests, status, text, null),
                "2s",
                0,
                "abort");
    }

    private static GateRun run(Gate gate, UpstreamServer canary) {
        GateRun run = new GateRun();
        run.rolloutId = "r-1";
        run.analysisSequence = 3;
        run.gateName = gate.name();
        run.window = 1;
        run.service = "checkout";
        run.stableVersion = "v1";
        run.canaryVersion = "v2";
        run.gate = gate;
        run.targets =
                new GateTargets(
                        new Backend("v1", List.of("http://127.0.0.1:1")),
                        new Backend("v2", List.of(canary.endpoint())),
                        List.of());
        run.runsUntil = Instant.now().plusSeconds(60);
        return run;
    }

    private static GateCheck.Lease held() {
        return new GateCheck.Lease() {
            @Override
            public boolean held() {
                return true;
            }

            @Override
            public void report(Finding progress) {}
        };
    }
}
