package dev.glide.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.Arm;
import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import dev.glide.traffic.gateway.embedded.EmbeddedProxy;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An experiment's arms on the real embedded gateway, driven by steps from the real broker: every
 * user keeps one arm, the application's goal marks are counted per version and per user, a stopped
 * variant's users go to the control and no one else moves, and a gateway that cannot hold arms
 * refuses the step without touching its routes.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ExperimentRoutingTest {

    private static final int USERS = 120;

    private final TopicProbe probe = TopicProbe.shared();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject EventCodec codec;

    @Inject EmbeddedProxy proxy;

    private UpstreamServer control;
    private UpstreamServer better;
    private UpstreamServer worse;
    private String experiment;
    private String route;

    @BeforeEach
    void startVersions() {
        control = UpstreamServer.start("v1");
        better = UpstreamServer.start("v2a");
        worse = UpstreamServer.start("v2b");
        control.goal("/buy", "checkout", 1);
        better.goal("/buy", "checkout", 1);
        experiment = "r-" + UUID.randomUUID();
        route = "/exp-" + experiment.substring(2, 10);
    }

    @AfterEach
    void stopVersions() {
        control.close();
        better.close();
        worse.close();
    }

    @Test
    void usersKeepTheirArmGoalsAreCountedPerUserAndAStoppedVariantsUsersReturnToControl()
            throws Exception {
        send(step(1, false));
        assertThat(awaitApplied(1).outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);

        Map<String, String> armOf = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            String first = versionFor(user, "/browse");
            armOf.put(user, first);
            assertThat(versionFor(user, "/browse")).as(user).isEqualTo(first);
            assertThat(versionFor(user, "/buy")).as(user).isEqualTo(first);
        }
        Map<String, Long> usersPerArm = count(armOf);
        assertThat(usersPerArm.keySet()).containsExactlyInAnyOrder("v1", "v2a", "v2b");
        // 50 / 25 / 25 of 120 users, by the hash of their names
        assertThat(usersPerArm.get("v1")).isBetween(40L, 80L);

        // Goals: one /buy per user on v1 and v2a (v2b's application never marks one); users and
        // converted users are cumulative per version.
        List<TrafficMetrics> windows =
                await().atMost(TopicProbe.WAIT)
                        .until(
                                this::windows,
                                all -> requests(all) == 3L * USERS && latestUsers(all, "v2b") > 0);
        for (String version : List.of("v1", "v2a", "v2b")) {
            long users = usersPerArm.get(version);
            assertThat(latestUsers(windows, version)).as(version).isEqualTo(users);
            long goals =
                    windows.stream()
                            .map(w -> w.of(version))
                            .filter(v -> v != null)
                            .mapToLong(v -> v.goals().getOrDefault("checkout", 0L))
                            .sum();
            long converted = latest(windows, version).goalUsers().getOrDefault("checkout", 0L);
            if (version.equals("v2b")) {
                assertThat(goals).isZero();
                assertThat(converted).isZero();
            } else {
                assertThat(goals).as(version).isEqualTo(users);
                assertThat(converted).as(version).isEqualTo(users);
            }
        }

        // v2b fails its guardrail: its users go to the control, everyone else stays.
        send(step(2, true));
        assertThat(awaitApplied(2).outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);
        for (Map.Entry<String, String> user : armOf.entrySet()) {
            String expected = user.getValue().equals("v2b") ? "v1" : user.getValue();
            assertThat(versionFor(user.getKey(), "/browse")).as(user.getKey()).isEqualTo(expected);
        }
    }

    @Test
    void aGatewayThatCannotHoldArmsRefusesTheStepNamingWhy() {
        RolloutStep onEmbedded = step(1, false);
        RolloutStep refused =
                new RolloutStep(
                        onEmbedded.schemaVersion(),
                        onEmbedded.rolloutId(),
                        onEmbedded.sequence(),
                        onEmbedded.service(),
                        onEmbedded.environment(),
                        onEmbedded.stable(),
                        onEmbedded.canary(),
                        onEmbedded.weights(),
                        onEmbedded.matchRules(),
                        new GatewayBinding("haproxy", "checkout", "blue", "green"),
                        onEmbedded.stickyKey(),
                        onEmbedded.emittedAt(),
                        null,
                        onEmbedded.arms());
        send(refused);

        TrafficApplied applied = awaitApplied(1);
        assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.FAILED);
        assertThat(applied.reason()).contains("the haproxy adapter cannot run experiments");
    }

    private RolloutStep step(long sequence, boolean stopWorse) {
        Arm worseArm = new Arm(new Backend("v2b", List.of(worse.endpoint())), 25);
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                experiment,
                sequence,
                "shop",
                "prod",
                new Backend("v1", List.of(control.endpoint())),
                new Backend("v2a", List.of(better.endpoint())),
                Weights.canaryPercent(stopWorse ? 25 : 50),
                List.of(),
                new GatewayBinding("embedded", route, null, null),
                "X-User",
                Instant.now(),
                null,
                List.of(
                        new Arm(new Backend("v1", List.of(control.endpoint())), 50),
                        new Arm(new Backend("v2a", List.of(better.endpoint())), 25),
                        stopWorse ? worseArm.stop() : worseArm));
    }

    private void send(RolloutStep step) {
        probe.send(Topics.ROLLOUT_STEPS, experiment, codec.encode(step));
    }

    private String versionFor(String user, String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:" + proxy.port() + route + path))
                                .header("X-User", user)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        // the gateway takes the application's goal mark off the answer
        assertThat(response.headers().firstValue(UpstreamServer.GOAL_HEADER)).isEmpty();
        return response.headers().firstValue(EmbeddedProxy.VERSION_HEADER).orElse("none");
    }

    private List<TrafficMetrics> windows() {
        return probe.readAll(Topics.TRAFFIC_METRICS, r -> experiment.equals(r.key())).stream()
                .map(r -> codec.decode(r.value(), TrafficMetrics.class))
                .toList();
    }

    private static long requests(List<TrafficMetrics> windows) {
        return windows.stream()
                .flatMap(w -> w.versions().stream())
                .mapToLong(VersionWindow::requests)
                .sum();
    }

    private static VersionWindow latest(List<TrafficMetrics> windows, String version) {
        return windows.stream()
                .filter(w -> w.of(version) != null)
                .max((a, b) -> a.windowEnd().compareTo(b.windowEnd()))
                .map(w -> w.of(version))
                .orElseThrow();
    }

    private static long latestUsers(List<TrafficMetrics> windows, String version) {
        return windows.stream().anyMatch(w -> w.of(version) != null)
                ? latest(windows, version).users()
                : 0;
    }

    private static Map<String, Long> count(Map<String, String> armOf) {
        Map<String, Long> counts = new HashMap<>();
        armOf.values().forEach(v -> counts.merge(v, 1L, Long::sum));
        return counts;
    }

    private TrafficApplied awaitApplied(long sequence) {
        return codec.decode(
                probe.awaitRecord(
                                Topics.TRAFFIC_APPLIED,
                                TopicProbe.WAIT,
                                r ->
                                        experiment.equals(r.key())
                                                && codec.decode(r.value(), TrafficApplied.class)
                                                                .sequence()
                                                        == sequence)
                        .value(),
                TrafficApplied.class);
    }
}
