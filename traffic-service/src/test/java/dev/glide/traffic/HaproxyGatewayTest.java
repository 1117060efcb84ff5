package dev.glide.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.Weights;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.RequiresTools;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import dev.glide.traffic.step.Reconciler;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps from Kafka drive a real HAProxy (Debian's 2.6) through its Runtime API, under load. */
@RequiresTools(DebianTool.Tool.HAPROXY)
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class HaproxyGatewayTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;
    @Inject Reconciler reconciler;

    @TempDir Path dir;

    private UpstreamServer v1;
    private UpstreamServer v2;
    private HaproxyProcess haproxy;
    private String rollout;

    @BeforeEach
    void startHaproxy() {
        v1 = UpstreamServer.start("v1");
        v2 = UpstreamServer.start("v2");
        haproxy = HaproxyProcess.start(dir, v1.port(), v2.port());
        rollout = "r-" + UUID.randomUUID();
    }

    @AfterEach
    void stopHaproxy() {
        if (haproxy != null) {
            haproxy.close();
        }
        v1.close();
        v2.close();
    }

    @Test
    void stepsMoveRealHaproxyThrough1To100AndBackWithoutAFailedRequest() {
        double[] canary = {1, 5, 25, 50, 100, 0};
        try (LoadLoop load =
                LoadLoop.start(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"), 4)) {
            for (int i = 0; i < canary.length; i++) {
                probe.send(
                        Topics.ROLLOUT_STEPS,
                        rollout,
                        codec.encode(step(i + 1, canary[i], haproxy.runtimeApi())));

                TrafficApplied applied = awaitApplied(i + 1);
                assertThat(applied.outcome())
                        .as(applied.reason())
                        .isEqualTo(TrafficApplied.Outcome.APPLIED);
                assertThat(applied.served()).isEqualTo(Weights.canaryPercent(canary[i]));
                long answered = load.sent();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > answered + 50);
            }
            assertThat(haproxy.command("get weight app/canary")).startsWith("0 ");
            assertThat(haproxy.command("get weight app/stable")).startsWith("100 ");
            load.close();
            assertThat(load.failures()).isEmpty();
            assertThat(load.failed()).isZero();
            assertThat(load.byVersion()).containsOnlyKeys("v1", "v2");
        }
    }

    @Test
    void aWeightChangedByHandIsPutBackByTheReconcileWhichSaysWhatItFound() {
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 5, haproxy.runtimeApi())));
        assertThat(awaitApplied(1).served()).isEqualTo(Weights.canaryPercent(5));

        haproxy.command("set server app/canary weight 95");

        List<TrafficApplied> reports =
                probe
                        .awaitRecords(
                                Topics.TRAFFIC_APPLIED,
                                TopicProbe.WAIT,
                                2,
                                r -> rollout.equals(r.key()))
                        .stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .toList();
        TrafficApplied correction = reports.get(1);
        assertThat(correction.sequence()).isEqualTo(1);
        assertThat(correction.reason())
                .isEqualTo(
                        "drift corrected: the gateway served stable 50.00 % / canary 50.00 %; "
                                + "step 1 applied again");
        assertThat(correction.served()).isEqualTo(Weights.canaryPercent(5));
        assertThat(haproxy.command("get weight app/canary")).startsWith("5 ");
    }

    @Test
    void underTheReportPolicyADriftIsPublishedOnceAndLeftAsItIs() {
        probe.send(
                Topics.ROLLOUT_STEPS,
                rollout,
                codec.encode(step(1, 5, haproxy.runtimeApi(), "report")));
        assertThat(awaitApplied(1).served()).isEqualTo(Weights.canaryPercent(5));

        haproxy.command("set server app/canary weight 95");

        TrafficApplied report = awaitReport(TrafficApplied.Outcome.DRIFTED, 1);
        assertThat(report.sequence()).isEqualTo(1);
        assertThat(report.reason())
                .isEqualTo(
                        "drift found: the gateway served stable 50.00 % / canary 50.00 % instead of"
                                + " step 1; not corrected (the binding's drift policy is 'report')");
        assertThat(report.served()).isEqualTo(Weights.canaryPercent(50));
        // A whole pass after the report: the same drift is not reported again, nor corrected.
        assertThat(reconciler.reconcileAll()).noneMatch(a -> rollout.equals(a.rolloutId()));
        assertThat(haproxy.command("get weight app/canary")).startsWith("95 ");

        haproxy.command("set server app/canary weight 0");
        TrafficApplied changed = awaitReport(TrafficApplied.Outcome.DRIFTED, 2);
        assertThat(changed.served()).isEqualTo(Weights.canaryPercent(0));
        assertThat(haproxy.command("get weight app/canary")).startsWith("0 ");
    }

    @Test
    void underTheOffPolicyADriftIsNeitherCorrectedNorReported() {
        probe.send(
                Topics.ROLLOUT_STEPS,
                rollout,
                codec.encode(step(1, 5, haproxy.runtimeApi(), "off")));
        assertThat(awaitApplied(1).served()).isEqualTo(Weights.canaryPercent(5));

        haproxy.command("set server app/canary weight 95");

        assertThat(reconciler.reconcileAll()).noneMatch(a -> rollout.equals(a.rolloutId()));
        assertThat(haproxy.command("get weight app/canary")).startsWith("95 ");
        assertThat(probe.readAll(Topics.TRAFFIC_APPLIED, r -> rollout.equals(r.key()))).hasSize(1);
    }

    @Test
    void aSegmentFirstRolloutRoutesByHeaderThenByCookieWithStickyUsersThroughRealHaproxy()
            throws Exception {
        haproxy.close();
        haproxy = HaproxyProcess.start(dir.resolve("sticky"), v1.port(), v2.port(), "x-user");
        MatchRule beta = new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "1", Role.CANARY);
        MatchRule cookie = new MatchRule(MatchRule.Kind.COOKIE, "beta", "yes", Role.CANARY);

        // the segment by header: only beta testers reach the canary, whatever the weights say
        send(step(1, 0, List.of(beta), null));
        assertThat(awaitApplied(1).servedMatchRules()).containsExactly(beta);
        assertThat(versionFor(Map.of("x-beta", "1"))).isEqualTo("v2");
        assertThat(versionFor(Map.of("X-BETA", "1"))).isEqualTo("v2");
        assertThat(versionFor(Map.of("x-beta", "2"))).isEqualTo("v1");
        assertThat(versionFor(Map.of())).isEqualTo("v1");

        // then by cookie, with users kept on one version by their x-user header
        send(step(2, 0, List.of(cookie), "x-user"));
        assertThat(awaitApplied(2).servedMatchRules()).containsExactly(cookie);
        assertThat(versionFor(Map.of("Cookie", "theme=dark; beta=yes"))).isEqualTo("v2");
        assertThat(versionFor(Map.of("Cookie", "xbeta=yes"))).isEqualTo("v1");
        assertThat(versionFor(Map.of("x-beta", "1"))).isEqualTo("v1");

        // the ramp: each user keeps one version while the weights hold, and only moves to the
        // canary as it grows
        send(step(3, 20, List.of(cookie), "x-user"));
        assertThat(awaitApplied(3).served()).isEqualTo(Weights.canaryPercent(20));
        Map<String, String> at20 = versionsOfUsers(200);
        assertThat(at20.values().stream().filter("v2"::equals).count()).isBetween(10L, 90L);
        send(step(4, 50, List.of(cookie), "x-user"));
        assertThat(awaitApplied(4).served()).isEqualTo(Weights.canaryPercent(50));
        Map<String, String> at50 = versionsOfUsers(200);
        assertThat(at50.values().stream().filter("v2"::equals).count())
                .isGreaterThan(at20.values().stream().filter("v2"::equals).count());
        at20.forEach(
                (user, version) -> {
                    if (version.equals("v2")) {
                        assertThat(at50.get(user))
                                .as(user + " stays on the canary")
                                .isEqualTo("v2");
                    }
                });
        assertThat(versionFor(Map.of("Cookie", "beta=yes", "x-user", "user-0"))).isEqualTo("v2");

        // the end of the segment: its rules leave the map with the step that drops them
        send(step(5, 100, List.of(), null));
        assertThat(awaitApplied(5).servedMatchRules()).isEmpty();
        assertThat(haproxy.command("show map " + dir.resolve("sticky/glide-app.map")).strip())
                .isEmpty();
    }

    @Test
    void aBlueGreenPreviewSendsThePreviewHeaderToGreenThenTheSwitchMovesEveryone()
            throws Exception {
        MatchRule preview = new MatchRule(MatchRule.Kind.HEADER, "x-preview", "1", Role.CANARY);
        try (LoadLoop load =
                LoadLoop.start(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"), 4)) {
            send(step(1, 0, List.of(preview), null));
            assertThat(awaitApplied(1).servedMatchRules()).containsExactly(preview);
            assertThat(versionFor(Map.of("x-preview", "1"))).isEqualTo("v2");
            long before = load.sent();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > before + 50);
            assertThat(load.byVersion()).containsOnlyKeys("v1");

            send(step(2, 100, List.of(), null));
            assertThat(awaitApplied(2).served()).isEqualTo(Weights.canaryPercent(100));
            assertThat(versionFor(Map.of())).isEqualTo("v2");
            load.close();
            assertThat(load.failed()).isZero();
        }
    }

    @Test
    void aRuleClearedFromTheMapByHandIsPutBackByTheReconcile() throws Exception {
        MatchRule beta = new MatchRule(MatchRule.Kind.HEADER, "x-beta", "1", Role.CANARY);
        send(step(1, 0, List.of(beta), null));
        assertThat(awaitApplied(1).servedMatchRules()).containsExactly(beta);

        haproxy.command("clear map " + dir.resolve("glide-app.map"));

        TrafficApplied correction =
                probe
                        .awaitRecords(
                                Topics.TRAFFIC_APPLIED,
                                TopicProbe.WAIT,
                                2,
                                r -> rollout.equals(r.key()))
                        .stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .toList()
                        .get(1);
        assertThat(correction.reason()).startsWith("drift corrected: the gateway served");
        assertThat(correction.servedMatchRules()).containsExactly(beta);
        assertThat(versionFor(Map.of("x-beta", "1"))).isEqualTo("v2");
    }

    private void send(RolloutStep step) {
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step));
    }

    private RolloutStep step(
            long sequence, double canary, List<MatchRule> rules, String stickyKey) {
        return step(sequence, canary, rules, stickyKey, haproxy.runtimeApi(), null);
    }

    /** The version that answers a request with these headers. */
    private String versionFor(Map<String, String> headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"));
        headers.forEach(request::header);
        HttpResponse<String> response =
                HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue(UpstreamServer.VERSION_HEADER).orElseThrow();
    }

    /** Which version each of {@code users} users gets (three requests each, always the same). */
    private Map<String, String> versionsOfUsers(int users) throws Exception {
        Map<String, String> versions = new HashMap<>();
        for (int i = 0; i < users; i++) {
            String user = "user-" + i;
            String first = versionFor(Map.of("x-user", user));
            for (int again = 0; again < 2; again++) {
                assertThat(versionFor(Map.of("x-user", user)))
                        .as(user + " keeps its version")
                        .isEqualTo(first);
            }
            versions.put(user, first);
        }
        return versions;
    }

    /** The {@code nth} report of {@code outcome} for this test's rollout. */
    private TrafficApplied awaitReport(TrafficApplied.Outcome outcome, int nth) {
        return probe
                .awaitRecords(
                        Topics.TRAFFIC_APPLIED,
                        TopicProbe.WAIT,
                        nth,
                        r ->
                                rollout.equals(r.key())
                                        && codec.decode(r.value(), TrafficApplied.class).outcome()
                                                == outcome)
                .stream()
                .map(r -> codec.decode(r.value(), TrafficApplied.class))
                .toList()
                .get(nth - 1);
    }

    @Test
    void haproxysServerCountersArePublishedAsMetricsWindowsPerVersion() {
        v2.failRate(1.0);
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 50, haproxy.runtimeApi())));
        awaitApplied(1);
        try (LoadLoop load =
                LoadLoop.start(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"), 2)) {
            List<TrafficMetrics> windows =
                    await().atMost(TopicProbe.WAIT)
                            .until(
                                    () ->
                                            probe
                                                    .readAll(
                                                            Topics.TRAFFIC_METRICS,
                                                            r -> rollout.equals(r.key()))
                                                    .stream()
                                                    .map(
                                                            r ->
                                                                    codec.decode(
                                                                            r.value(),
                                                                            TrafficMetrics.class))
                                                    .toList(),
                                    all ->
                                            all.stream()
                                                    .anyMatch(
                                                            w ->
                                                                    w.of(Role.CANARY) != null
                                                                            && w.of(Role.STABLE)
                                                                                    != null));
            TrafficMetrics window =
                    windows.stream()
                            .filter(w -> w.of(Role.CANARY) != null && w.of(Role.STABLE) != null)
                            .findFirst()
                            .orElseThrow();
            assertThat(window.source()).isEqualTo("haproxy");
            assertThat(window.of(Role.CANARY).version()).isEqualTo("v2");
            assertThat(window.of(Role.CANARY).errors())
                    .isEqualTo(window.of(Role.CANARY).requests())
                    .isPositive();
            assertThat(window.of(Role.STABLE).errors()).isZero();
            assertThat(window.of(Role.STABLE).requests()).isPositive();
        }
    }

    @Test
    void anUnreachableHaproxyIsReportedAsAFailureAfterTheRetries() {
        String nowhere = "unix:" + dir.resolve("no-such.sock");
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 5, nowhere)));

        TrafficApplied applied = awaitApplied(1);
        assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.FAILED);
        assertThat(applied.served()).isNull();
        assertThat(applied.reason())
                .startsWith("HAProxy Runtime API at " + nowhere + " is unreachable")
                .endsWith("(after 5 tries)");
    }

    @Test
    void aServerTheBackendDoesNotHaveFailsAtOnceNamingTheServersItHas() {
        RolloutStep wrong =
                new RolloutStep(
                        RolloutStep.SCHEMA_VERSION,
                        rollout,
                        1,
                        "checkout",
                        "prod",
                        new Backend("v1", List.of()),
                        new Backend("v2", List.of()),
                        Weights.canaryPercent(5),
                        List.of(),
                        new GatewayBinding("haproxy", "app", "blue", "green", haproxy.runtimeApi()),
                        null,
                        Instant.now());
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(wrong));

        TrafficApplied applied = awaitApplied(1);
        assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.FAILED);
        assertThat(applied.reason())
                .startsWith("HAProxy backend 'app' has no server 'green'; it has [");
    }

    private TrafficApplied awaitApplied(long sequence) {
        return codec.decode(
                probe.awaitRecord(
                                Topics.TRAFFIC_APPLIED,
                                TopicProbe.WAIT,
                                r ->
                                        rollout.equals(r.key())
                                                && codec.decode(r.value(), TrafficApplied.class)
                                                                .sequence()
                                                        == sequence)
                        .value(),
                TrafficApplied.class);
    }

    private RolloutStep step(long sequence, double canary, String address) {
        return step(sequence, canary, address, null);
    }

    private RolloutStep step(long sequence, double canary, String address, String drift) {
        return step(sequence, canary, List.of(), null, address, drift);
    }

    private RolloutStep step(
            long sequence,
            double canary,
            List<MatchRule> rules,
            String stickyKey,
            String address,
            String drift) {
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                rollout,
                sequence,
                "checkout",
                "prod",
                new Backend("v1", List.of()),
                new Backend("v2", List.of()),
                Weights.canaryPercent(canary),
                rules,
                new GatewayBinding(
                        "haproxy", HaproxyProcess.BACKEND, "stable", "canary", address, drift),
                stickyKey,
                Instant.now());
    }
}
