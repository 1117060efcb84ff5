package dev.glide.traffic.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.Backend;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.Weights;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.FreePorts;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.NginxProcess;
import dev.glide.testsupport.RequiresTools;
import dev.glide.testsupport.UpstreamServer;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nginx adapter driving a real NGINX (Debian's 1.22): files, checks, reloads, read-back. */
@RequiresTools(DebianTool.Tool.NGINX)
class NginxGatewayTest {

    private static final String ROUTE = "checkout.test";

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private UpstreamServer v1;
    private UpstreamServer v2;
    private NginxProcess nginx;
    private NginxGateway gateway;
    private int port;
    private long sequence;
    private final String rollout = "r-" + UUID.randomUUID();

    @BeforeEach
    void start() {
        v1 = UpstreamServer.start("v1");
        v2 = UpstreamServer.start("v2");
        nginx = NginxProcess.start(dir);
        port = FreePorts.pick();
        gateway =
                new NginxGateway(
                        new GatewayConfig.Nginx() {
                            @Override
                            public String binary() {
                                return nginx.binary();
                            }

                            @Override
                            public Optional<String> conf() {
                                return Optional.of(nginx.conf());
                            }

                            @Override
                            public Path includeDir() {
                                return nginx.includeDir();
                            }

                            @Override
                            public String listen() {
                                return "80";
                            }

                            @Override
                            public Duration reloadTimeout() {
                                return Duration.ofSeconds(10);
                            }

                            @Override
                            public Optional<Path> logDir() {
                                return Optional.of(dir.resolve("logs"));
                            }
                        });
    }

    @AfterEach
    void stop() {
        nginx.close();
        v1.close();
        v2.close();
    }

    @Test
    void weightsMoveUnderKeepAliveLoadWithoutAFailedRequestAndAreReadBack() throws Exception {
        gateway.apply(step(0, List.of(), null, v1.endpoint(), v2.endpoint()));
        try (LoadLoop load = LoadLoop.start(URI.create("http://127.0.0.1:" + port + "/"), 8)) {
            for (double canary : new double[] {10, 25, 50, 75, 100, 0, 100}) {
                RolloutStep step = step(canary, List.of(), null, v1.endpoint(), v2.endpoint());
                Set<Long> before = gateway.acceptingWorkers();
                gateway.apply(step);
                assertThat(before).as("NGINX's workers are seen").hasSize(2);
                assertThat(gateway.acceptingWorkers())
                        .as("after the step no worker that served the old file takes connections")
                        .doesNotContainAnyElementsOf(before);
                // the new workers may still be starting on a busy machine (seen once in CI)
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(
                                () ->
                                        assertThat(gateway.acceptingWorkers())
                                                .as("NGINX's new workers take connections")
                                                .hasSize(2)
                                                .doesNotContainAnyElementsOf(before));
                ServedTraffic served = gateway.read(step.gateway());
                assertThat(served.matches(step, gateway.weightTolerance()))
                        .as("read back %s after %s %%", served.describe(), canary)
                        .isTrue();
            }
            assertThat(load.sent()).isGreaterThan(100);
            assertThat(load.failures()).isEmpty();
            assertThat(load.failed()).isZero();
        }
    }

    @Test
    void aCanaryShareIsDealtEvenlyAndRealisedWithinHalfAPoint() throws Exception {
        gateway.apply(step(10, List.of(), null, v1.endpoint(), v2.endpoint()));
        Map<String, Integer> versions = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            versions.merge(version(Map.of()), 1, Integer::sum);
        }
        assertThat(versions.getOrDefault("v2", 0) / 2_000.0 * 100).isBetween(9.5, 10.5);
    }

    @Test
    void headerThenCookieRulesWithStickyUsersSendTheSegmentToTheCanary() throws Exception {
        MatchRule beta = new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "on", Role.CANARY);
        gateway.apply(step(0, List.of(beta), null, v1.endpoint(), v2.endpoint()));
        assertThat(version(Map.of("X-Beta", "on"))).isEqualTo("v2");
        assertThat(version(Map.of("X-Beta", "ON"))).as("matched exactly").isEqualTo("v1");
        assertThat(version(Map.of())).isEqualTo("v1");

        MatchRule region = new MatchRule(MatchRule.Kind.COOKIE, "region", "eu-west", Role.CANARY);
        RolloutStep sticky = step(20, List.of(region), "user", v1.endpoint(), v2.endpoint());
        gateway.apply(sticky);
        assertThat(gateway.read(sticky.gateway()).matchRules()).containsExactly(region);
        assertThat(version(Map.of("Cookie", "region=eu-west"))).isEqualTo("v2");
        int inCanary = 0;
        for (int user = 0; user < 400; user++) {
            String first = version(Map.of("user", "u" + user));
            for (int again = 0; again < 3; again++) {
                assertThat(version(Map.of("Cookie", "user=u" + user)))
                        .as("user u%d stays on one version, by header or cookie", user)
                        .isEqualTo(first);
            }
            inCanary += first.equals("v2") ? 1 : 0;
        }
        assertThat(inCanary / 4.0).as("share of users in the canary, %").isBetween(14.0, 26.0);

        // the canary grows: users in it stay there
        List<String> before = new java.util.ArrayList<>();
        for (int user = 0; user < 400; user++) {
            if (version(Map.of("user", "u" + user)).equals("v2")) {
                before.add("u" + user);
            }
        }
        gateway.apply(step(60, List.of(region), "user", v1.endpoint(), v2.endpoint()));
        for (String user : before) {
            assertThat(version(Map.of("user", user))).isEqualTo("v2");
        }
    }

    @Test
    void aBlueGreenPreviewServesTheNewVersionToPreviewRequestsOnlyThenSwitches() throws Exception {
        MatchRule preview = new MatchRule(MatchRule.Kind.HEADER, "X-Preview", "1", Role.CANARY);
        gateway.apply(step(0, List.of(preview), null, v1.endpoint(), v2.endpoint()));
        for (int i = 0; i < 50; i++) {
            assertThat(version(Map.of())).isEqualTo("v1");
            assertThat(version(Map.of("X-Preview", "1"))).isEqualTo("v2");
        }
        gateway.apply(step(100, List.of(), null, v1.endpoint(), v2.endpoint()));
        for (int i = 0; i < 50; i++) {
            assertThat(version(Map.of())).isEqualTo("v2");
        }
    }

    @Test
    void valuesWithQuotesBackslashesAndDollarsAreMatchedAndReadBackAsWritten() throws Exception {
        String odd = "a\"b\\c$d.e'f";
        MatchRule rule = new MatchRule(MatchRule.Kind.HEADER, "X-Odd", odd, Role.CANARY);
        RolloutStep step = step(0, List.of(rule), null, v1.endpoint(), v2.endpoint());
        gateway.apply(step);
        assertThat(gateway.read(step.gateway()).matchRules()).containsExactly(rule);
        assertThat(version(Map.of("X-Odd", odd))).isEqualTo("v2");
        assertThat(version(Map.of("X-Odd", "a\"b\\c$dxe'f")))
                .as("the dot is no wildcard")
                .isEqualTo("v1");
    }

    @Test
    void aConfigurationNginxRejectsFailsTheStepWithItsMessageAndTheOldOneKeepsServing()
            throws Exception {
        RolloutStep good = step(0, List.of(), null, v1.endpoint(), v2.endpoint());
        gateway.apply(good);
        Path file = nginx.includeDir().resolve(NginxRoute.fileName(ROUTE));
        String before = Files.readString(file);

        RolloutStep bad = step(50, List.of(), null, v1.endpoint(), "no-such-host.invalid:8080");
        assertThatThrownBy(() -> gateway.apply(bad))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("NGINX rejected the configuration of route 'checkout.test'")
                .hasMessageContaining("host not found in upstream")
                .satisfies(e -> assertThat(((GatewayException) e).isTransient()).isFalse());

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(gateway.read(good.gateway()).weights().canary()).isZero();
        for (int i = 0; i < 20; i++) {
            assertThat(version(Map.of())).isEqualTo("v1");
        }
    }

    @Test
    void aStepNginxCannotServeIsRefusedBeforeAnythingIsWritten() {
        MatchRule dashed = new MatchRule(MatchRule.Kind.COOKIE, "beta-user", "1", Role.CANARY);
        assertThatThrownBy(
                        () ->
                                gateway.apply(
                                        step(
                                                0,
                                                List.of(dashed),
                                                null,
                                                v1.endpoint(),
                                                v2.endpoint())))
                .hasMessageContaining("cannot match cookie 'beta-user'");
        assertThat(nginx.includeDir().resolve(NginxRoute.fileName(ROUTE))).doesNotExist();
    }

    @Test
    void aMirrorSendsCopiesOfItsShareToTheCanaryWhileUsersOnlyGetStablesAnswers() throws Exception {
        Mirror copies = new Mirror(25, List.of());
        RolloutStep mirroring =
                step(0, List.of(), null, v1.endpoint(), v2.endpoint()).withMirror(copies);
        gateway.apply(mirroring);
        assertThat(gateway.read(mirroring.gateway()).matches(mirroring, gateway.weightTolerance()))
                .isTrue();
        assertThat(gateway.read(mirroring.gateway()).mirror()).isEqualTo(copies);

        long copiesBefore = v2.served();
        for (int i = 0; i < 800; i++) {
            assertThat(version(Map.of())).isEqualTo("v1");
        }
        // the copies are sent alongside: wait for the last ones
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> v2.served() - copiesBefore >= 150);
        assertThat(v2.served() - copiesBefore).isBetween(150L, 250L);

        // only the requests matching the mirror's rule are copied
        Mirror onlyEu =
                new Mirror(
                        100,
                        List.of(
                                new MatchRule(
                                        MatchRule.Kind.HEADER, "x-region", "eu", Role.CANARY)));
        gateway.apply(step(0, List.of(), null, v1.endpoint(), v2.endpoint()).withMirror(onlyEu));
        long before = v2.served();
        for (int i = 0; i < 20; i++) {
            assertThat(version(Map.of("x-region", "us"))).isEqualTo("v1");
        }
        for (int i = 0; i < 20; i++) {
            assertThat(version(Map.of("x-region", "eu"))).isEqualTo("v1");
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> v2.served() - before >= 20);
        assertThat(v2.served() - before).isEqualTo(20);
    }

    @Test
    void metricsWindowsCountEachVersionsRequestsErrorsAndLatencyFromTheAccessLogCopiesIncluded()
            throws Exception {
        NginxMetrics metrics = new NginxMetrics(gateway);
        v2.failRate(1.0);
        RolloutStep step = step(25, List.of(), null, v1.endpoint(), v2.endpoint());
        gateway.apply(step);
        assertThat(metrics.closeWindow(Instant.now())).isEmpty();

        int failed = 0;
        for (int i = 0; i < 400; i++) {
            HttpResponse<Void> answer =
                    http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            failed += answer.statusCode() >= 500 ? 1 : 0;
        }
        List<TrafficMetrics> windows = metrics.closeWindow(Instant.now());
        assertThat(windows).hasSize(1);
        TrafficMetrics window = windows.get(0);
        assertThat(window.rolloutId()).isEqualTo(rollout);
        assertThat(window.source()).startsWith("nginx@");
        Map<Role, TrafficMetrics.VersionWindow> byRole = new HashMap<>();
        window.versions().forEach(v -> byRole.put(v.role(), v));
        long canary = byRole.get(Role.CANARY).requests();
        assertThat(byRole.get(Role.STABLE).requests() + canary).isEqualTo(400);
        assertThat(canary).isBetween(90L, 110L);
        assertThat(byRole.get(Role.STABLE).errors()).isZero();
        assertThat(byRole.get(Role.CANARY).errors()).isEqualTo(failed).isEqualTo(canary);
        assertThat(byRole.get(Role.CANARY).latency().total()).isEqualTo(canary);
        assertThat(byRole.get(Role.CANARY).version()).isEqualTo("v2");

        // a mirror's copies count for the canary, the users' requests for stable
        v2.failRate(0);
        gateway.apply(
                step(0, List.of(), null, v1.endpoint(), v2.endpoint())
                        .withMirror(new Mirror(100, List.of())));
        metrics.closeWindow(Instant.now());
        byRole.clear();
        for (int i = 0; i < 200; i++) {
            assertThat(version(Map.of())).isEqualTo("v1");
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            List<TrafficMetrics> copies = metrics.closeWindow(Instant.now());
                            copies.stream()
                                    .flatMap(w -> w.versions().stream())
                                    .forEach(v -> byRole.merge(v.role(), v, NginxGatewayTest::sum));
                            return byRole.containsKey(Role.CANARY)
                                    && byRole.get(Role.CANARY).requests() >= 200;
                        });
        assertThat(byRole.get(Role.CANARY).requests()).isEqualTo(200);
        assertThat(byRole.get(Role.STABLE).requests()).isEqualTo(200);
    }

    private static TrafficMetrics.VersionWindow sum(
            TrafficMetrics.VersionWindow a, TrafficMetrics.VersionWindow b) {
        return new TrafficMetrics.VersionWindow(
                a.role(), a.version(), a.requests() + b.requests(), a.errors() + b.errors(), null);
    }

    private String version(Map<String, String> headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(5));
        headers.forEach(request::header);
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue(UpstreamServer.VERSION_HEADER).orElse("none");
    }

    private RolloutStep step(
            double canary,
            List<MatchRule> rules,
            String stickyKey,
            String stable,
            String canaryAt) {
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                rollout,
                ++sequence,
                "checkout",
                "test",
                new Backend("v1", List.of(stable)),
                new Backend("v2", List.of(canaryAt)),
                Weights.canaryPercent(canary),
                rules,
                new GatewayBinding("nginx", ROUTE, null, null, "127.0.0.1:" + port),
                stickyKey,
                Instant.now());
    }
}
