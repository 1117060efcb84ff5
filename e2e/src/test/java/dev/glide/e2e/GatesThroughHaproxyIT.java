package dev.glide.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.RequiresTools;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A blue-green smoke test through a real HAProxy: Glide's own requests reach green through the
 * preview rule in HAProxy's map (users send no preview header at all), a green that fails them is
 * never switched to and users only ever see blue, and a healthy green is switched to without one
 * failed user request.
 */
@RequiresTools(DebianTool.Tool.HAPROXY)
class GatesThroughHaproxyIT {

    private static final Duration ROLLOUT_TIME = Duration.ofSeconds(120);

    private static GlideSystem glide;
    private static PlannerApi planner;

    @BeforeAll
    static void start() {
        glide = GlideSystem.builder(Path.of("..")).partitions(3).start();
        planner = new PlannerApi(glide.plannerUrl());
    }

    @AfterAll
    static void stop() {
        if (glide != null) {
            glide.close();
        }
    }

    @Test
    void aSmokeTestThroughHaproxysPreviewDecidesTheSwitchWithoutAnyUserPreviewTraffic()
            throws Exception {
        try (UpstreamServer blue = UpstreamServer.start("blue");
                UpstreamServer green = UpstreamServer.start("green");
                UpstreamServer badBlue = UpstreamServer.start("blue");
                UpstreamServer badGreen = UpstreamServer.start("green");
                HaproxyProcess good =
                        HaproxyProcess.start(
                                Files.createTempDirectory("haproxy-good"),
                                blue.port(),
                                green.port());
                HaproxyProcess bad =
                        HaproxyProcess.start(
                                Files.createTempDirectory("haproxy-bad"),
                                badBlue.port(),
                                badGreen.port())) {
            badGreen.failRate(1.0);
            String switched = planner.release(register(good, blue), green);
            String refused = planner.release(register(bad, badBlue), badGreen);
            try (LoadLoop goodUsers = usersOf(good, switched);
                    LoadLoop badUsers = usersOf(bad, refused)) {
                JsonNode done = planner.awaitEnd(switched, ROLLOUT_TIME);
                JsonNode aborted = planner.awaitEnd(refused, ROLLOUT_TIME);
                goodUsers.close();
                badUsers.close();

                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
                assertThat(goodUsers.failures()).isEmpty();
                assertThat(goodUsers.byVersion()).containsKey("green");

                assertThat(aborted.path("state").asText())
                        .as(aborted.toString())
                        .isEqualTo("ABORTED");
                assertThat(aborted.path("reason").asText())
                        .contains("smoke test smoke (prePromotion): failed");
                assertThat(badUsers.byVersion())
                        .as("users never saw the new version")
                        .containsOnlyKeys("blue");
            }
            assertThat(badGreen.served())
                    .as("only Glide's smoke test reached the bad green, through the preview rule")
                    .isPositive();
        }
    }

    private static String register(HaproxyProcess haproxy, UpstreamServer blue) throws Exception {
        String service = "hap-" + UUID.randomUUID().toString().substring(0, 8);
        planner.register(
                service,
                "payments",
                Map.of(
                        "adapter",
                        "haproxy",
                        "route",
                        HaproxyProcess.BACKEND,
                        "stableTarget",
                        "stable",
                        "canaryTarget",
                        "canary",
                        "address",
                        haproxy.runtimeApi()),
                blue,
                Map.of(
                        "type",
                        "blueGreen",
                        "blueGreen",
                        Map.of(
                                "preview",
                                Map.of(
                                        "kind", "HEADER",
                                        "name", "x-glide-preview",
                                        "value", "true",
                                        "target", "CANARY"),
                                "autoPromote",
                                true,
                                "rollbackWindow",
                                "2s"),
                        "gates",
                        List.of(
                                Map.of(
                                        "name",
                                        "smoke",
                                        "phase",
                                        "prePromotion",
                                        "retries",
                                        0,
                                        "test",
                                        Map.of(
                                                "requests",
                                                20,
                                                "url",
                                                "http://127.0.0.1:" + haproxy.frontendPort())))));
        return service;
    }

    /** Users without any preview header, once the preview route is in place. */
    private static LoadLoop usersOf(HaproxyProcess haproxy, String rollout) {
        await().atMost(ROLLOUT_TIME).until(() -> planner.trafficConfirmed(rollout));
        return LoadLoop.atRate(
                URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"), 2, 20);
    }
}
