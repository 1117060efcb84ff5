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
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import dev.glide.traffic.gateway.embedded.EmbeddedProxy;
import dev.glide.traffic.step.AppliedStep;
import dev.glide.traffic.step.ReplicaCatchUp;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Steps from Kafka drive the embedded gateway while clients keep sending requests through it. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class EmbeddedGatewayTest {

    private final TopicProbe probe = TopicProbe.shared();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject EventCodec codec;

    @Inject EmbeddedProxy proxy;

    @Inject ReplicaCatchUp catchUp;

    private UpstreamServer v1;
    private UpstreamServer v2;
    private String rollout;
    private String route;

    @BeforeEach
    void startVersions() {
        v1 = UpstreamServer.start("v1");
        v2 = UpstreamServer.start("v2");
        rollout = "r-" + UUID.randomUUID();
        route = "/shop-" + rollout.substring(2, 10);
    }

    @AfterEach
    void stopVersions() {
        v1.close();
        v2.close();
    }

    @Test
    void stepsMoveTrafficThrough1To100AndBackWithoutAFailedRequest() throws Exception {
        double[] canary = {0, 1, 5, 25, 50, 100, 0};
        // the route exists from the first step on (all on stable); clients come once it serves
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 0, List.of())));
        awaitApplied(1);
        try (LoadLoop load = LoadLoop.start(URI.create(gateway() + route + "/cart"), 4)) {
            for (int i = 1; i < canary.length; i++) {
                probe.send(
                        Topics.ROLLOUT_STEPS,
                        rollout,
                        codec.encode(step(i + 1, canary[i], List.of())));

                TrafficApplied applied = awaitApplied(i + 1);
                assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);
                assertThat(applied.served()).isEqualTo(Weights.canaryPercent(canary[i]));
                assertThat(applied.adapter()).isEqualTo("embedded");
                if (canary[i] == 100) {
                    assertThat(versionsAnswering(20)).containsOnly("v2");
                }
                long answered = load.sent();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.sent() > answered + 50);
            }
            assertThat(versionsAnswering(20)).containsOnly("v1");
            load.close();
            assertThat(load.failures()).isEmpty();
            assertThat(load.failed()).isZero();
            assertThat(load.byVersion()).containsOnlyKeys("v1", "v2");
        }
    }

    @Test
    void aRedeliveredOlderStepDoesNotMoveTheGatewayBack() throws Exception {
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 5, List.of())));
        awaitApplied(1);
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(2, 100, List.of())));
        awaitApplied(2);

        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 5, List.of())));
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(2, 100, List.of())));
        List<TrafficApplied> reports =
                probe
                        .awaitRecords(
                                Topics.TRAFFIC_APPLIED,
                                TopicProbe.WAIT,
                                3,
                                r -> rollout.equals(r.key()))
                        .stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .toList();
        assertThat(reports).extracting(TrafficApplied::sequence).containsExactly(1L, 2L, 2L);
        // the step already applied is read back and reported again, marked as such; the older one
        // is not answered
        assertThat(reports)
                .extracting(TrafficApplied::reason)
                .containsExactly(null, null, "already applied; read back again");
        assertThat(versionsAnswering(20)).containsOnly("v2");
    }

    @Test
    void aHeaderRouteSendsBetaTestersToTheCanaryWhileEveryoneElseStaysOnStable() throws Exception {
        MatchRule beta = new MatchRule(MatchRule.Kind.HEADER, "X-Beta", "yes", Role.CANARY);
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 0, List.of(beta))));
        assertThat(awaitApplied(1).servedMatchRules()).containsExactly(beta);

        for (int i = 0; i < 10; i++) {
            assertThat(
                            get(HttpRequest.newBuilder(URI.create(gateway() + route))
                                            .header("X-Beta", "yes"))
                                    .headers()
                                    .firstValue(EmbeddedProxy.VERSION_HEADER))
                    .hasValue("v2");
            assertThat(
                            get(HttpRequest.newBuilder(URI.create(gateway() + route)))
                                    .headers()
                                    .firstValue(EmbeddedProxy.VERSION_HEADER))
                    .hasValue("v1");
        }
    }

    @Test
    void eachSecondTheGatewayPublishesWhatEachVersionServedWithItsErrors() throws Exception {
        v2.failRate(1.0);
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 50, List.of())));
        awaitApplied(1);
        for (int i = 0; i < 40; i++) {
            get(HttpRequest.newBuilder(URI.create(gateway() + route)));
        }

        // the 40 requests may straddle windows: add the windows up until they account for all of
        // them
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
                                                        .mapToLong(
                                                                w ->
                                                                        requests(w, Role.STABLE)
                                                                                + requests(
                                                                                        w,
                                                                                        Role
                                                                                                .CANARY))
                                                        .sum()
                                                == 40);
        assertThat(windows)
                .allSatisfy(
                        window -> {
                            assertThat(window.service()).isEqualTo("checkout");
                            assertThat(window.source()).startsWith("embedded@");
                            assertThat(window.windowEnd()).isAfter(window.windowStart());
                        });
        List<TrafficMetrics.VersionWindow> canary = sides(windows, Role.CANARY);
        List<TrafficMetrics.VersionWindow> stable = sides(windows, Role.STABLE);
        assertThat(canary)
                .isNotEmpty()
                .allSatisfy(
                        side -> {
                            assertThat(side.version()).isEqualTo("v2");
                            assertThat(side.errors()).isEqualTo(side.requests());
                            assertThat(side.latency().total()).isEqualTo(side.requests());
                        });
        assertThat(stable)
                .isNotEmpty()
                .allSatisfy(
                        side -> {
                            assertThat(side.version()).isEqualTo("v1");
                            assertThat(side.errors()).isZero();
                        });
    }

    private static long requests(TrafficMetrics window, Role role) {
        return window.of(role) == null ? 0 : window.of(role).requests();
    }

    private static List<TrafficMetrics.VersionWindow> sides(
            List<TrafficMetrics> windows, Role role) {
        return windows.stream().map(w -> w.of(role)).filter(Objects::nonNull).toList();
    }

    private List<String> versionsAnswering(int requests) throws Exception {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            versions.add(
                    get(HttpRequest.newBuilder(URI.create(gateway() + route)))
                            .headers()
                            .firstValue(EmbeddedProxy.VERSION_HEADER)
                            .orElse("none"));
        }
        return versions;
    }

    private HttpResponse<String> get(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String gateway() {
        return "http://127.0.0.1:" + proxy.port();
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

    @Test
    void aStepAnotherReplicaAppliedReachesThisReplicasGatewayWithoutWaitingForAReconcile()
            throws Exception {
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(1, 0, List.of())));
        awaitApplied(1);
        assertThat(servedVersion()).isEqualTo("v1");
        // another replica consumed step 2 and recorded it: only the database says so here
        RolloutStep elsewhere = step(2, 100, List.of());
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            AppliedStep row = AppliedStep.findById(rollout);
                            row.sequence = 2;
                            row.desired = elsewhere;
                            row.appliedAt = Instant.now();
                        });
        catchUp.catchUp();
        assertThat(servedVersion()).isEqualTo("v2");
    }

    private String servedVersion() throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(gateway() + route + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.headers().firstValue(UpstreamServer.VERSION_HEADER).orElse("none");
    }

    private RolloutStep step(long sequence, double canary, List<MatchRule> rules) {
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                rollout,
                sequence,
                "checkout",
                "prod",
                new Backend("v1", List.of(v1.endpoint())),
                new Backend("v2", List.of(v2.endpoint())),
                Weights.canaryPercent(canary),
                rules,
                new GatewayBinding("embedded", route, null, null),
                null,
                Instant.now());
    }
}
