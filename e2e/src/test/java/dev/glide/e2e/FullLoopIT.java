package dev.glide.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.SlackApiStandIn;
import dev.glide.testsupport.UpstreamServer;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Releases end to end on real parts: Kafka, PostgreSQL, the four services as their packaged JVMs,
 * the embedded gateway in front of two versions of an application, clients sending requests through
 * it the whole time, and a stand-in for Slack's Web API for the chat part.
 */
class FullLoopIT {

    private static final Duration ROLLOUT_TIME = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SlackApiStandIn slack;
    private static GlideSystem glide;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startGlide() {
        slack = SlackApiStandIn.start();
        GlideSystem.Builder builder =
                GlideSystem.builder(Path.of(".."))
                        .partitions(3)
                        // small steady load: analyses of 2 s windows need fewer canary requests
                        // than production ones
                        .set("analysis-service", "glide.analysis.min-requests", "20")
                        .set("analysis-service", "glide.analysis.min-window-requests", "10");
        slack.notifierConfig().forEach((key, value) -> builder.set("notifier-service", key, value));
        glide = builder.start();
    }

    @AfterAll
    static void stopGlide() {
        if (glide != null) {
            glide.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    @Test
    void aGoodReleaseGoesFrom1To100PercentAndSucceedsWithoutOneFailedRequest() throws Exception {
        String service = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer v1 = upstream("v1");
        UpstreamServer v2 = upstream("v2");
        register(service, v1, canary(1, 10, 50, 100));

        String rollout = release(service, v2);
        try (LoadLoop load = loadOnceRouted(rollout, service)) {
            JsonNode done = awaitEnd(rollout);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(versionsServing(service, 20)).containsOnly("v2");
            load.close();
            assertThat(load.failures()).isEmpty();
            assertThat(load.byVersion()).containsKeys("v1", "v2");
        }
        List<JsonNode> history = history(rollout);
        // 1 -> 10 -> 50 -> 100 %, then the finishing step that makes the new version the stable one
        // (also 100 %)
        assertThat(steps(history))
                .containsSubsequence(1.0, 10.0, 50.0, 100.0)
                .endsWith(100.0)
                .doesNotContain(0.0)
                .isSorted();
        assertThat(inputs(history, "VerdictReceived"))
                .hasSize(4)
                .allSatisfy(v -> assertThat(v.path("verdict").asText()).isEqualTo("PASS"));
        assertInOrder(history);
        assertFoldEqualsState(rollout);
    }

    @Test
    void aReleaseServing5PercentErrorsIsAbortedByAnalysisAndAllTrafficReturnsToStable()
            throws Exception {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer v1 = upstream("v1");
        UpstreamServer v2 = upstream("v2");
        v2.failRate(0.05);
        register(service, v1, canary(25, 50, 100));

        String rollout = release(service, v2);
        try (LoadLoop load = loadOnceRouted(rollout, service)) {
            JsonNode done = awaitEnd(rollout);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("ABORTED");
            assertThat(done.path("reason").asText()).startsWith("analysis failed");
            assertThat(versionsServing(service, 20)).containsOnly("v1");
            load.close();
            // the canary's own 500s reached users while it was tried; the gateway failed none
            assertThat(load.gatewayFailed()).as(String.join("; ", load.failures())).isZero();
        }
        List<JsonNode> history = history(rollout);
        assertThat(inputs(history, "VerdictReceived"))
                .extracting(v -> v.path("verdict").asText())
                .contains("FAIL");
        assertThat(steps(history)).startsWith(25.0).endsWith(0.0).doesNotContain(100.0);
        assertInOrder(history);
        assertFoldEqualsState(rollout);
    }

    @Test
    void aCanaryFailingMirroredRequestsIsAbortedBeforeAnyUserRequestReachesIt() throws Exception {
        String service = "mirror-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer v1 = upstream("v1");
        UpstreamServer v2 = upstream("v2");
        v2.failRate(1.0);
        register(
                service,
                v1,
                Map.of(
                        "type",
                        "canary",
                        "steps",
                        List.of(
                                Map.of("mirror", Map.of("percent", 50)),
                                Map.of(
                                        "analysis",
                                        Map.of(
                                                "metrics",
                                                List.of("error-rate"),
                                                "interval",
                                                "3s",
                                                "count",
                                                2,
                                                "failureLimit",
                                                0)),
                                Map.of("setWeight", 50))));

        String rollout = release(service, v2);
        try (LoadLoop load = loadOnceRouted(rollout, service)) {
            JsonNode done = awaitEnd(rollout);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("ABORTED");
            assertThat(done.path("reason").asText()).startsWith("analysis failed");
            load.close();
            // users only ever got stable's answers, and none failed, while the canary failed
            // every copy it was sent
            assertThat(load.failures()).isEmpty();
            assertThat(load.byVersion()).containsOnlyKeys("v1");
        }
        // about half of the users' requests were copied to the canary
        assertThat((double) v2.served() / v1.served()).isBetween(0.4, 0.6);
        List<JsonNode> history = history(rollout);
        assertThat(steps(history)).containsOnly(0.0);
        assertThat(
                        history.stream()
                                .filter(e -> e.path("type").asText().equals("STEP"))
                                .findFirst()
                                .orElseThrow()
                                .path("payload")
                                .path("mirror")
                                .path("percent")
                                .asDouble())
                .isEqualTo(50.0);
        assertThat(inputs(history, "VerdictReceived"))
                .extracting(v -> v.path("verdict").asText())
                .contains("FAIL");
        assertInOrder(history);
        assertFoldEqualsState(rollout);
    }

    @Test
    void aFailingPreRolloutWebhookAbortsBeforeAnyUserRequestReachesTheCanary() throws Exception {
        String service = "gated-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer v1 = upstream("v1");
        UpstreamServer v2 = upstream("v2");
        // the team's test runner, answering the gate with a failure
        UpstreamServer tests = upstream("tests");
        tests.failRate(1.0);
        Map<String, Object> strategy = new java.util.HashMap<>(canary(25));
        strategy.put(
                "gates",
                List.of(
                        Map.of(
                                "name",
                                "integration-tests",
                                "phase",
                                "preRollout",
                                "url",
                                tests.endpoint() + "/gate",
                                "timeout",
                                "2s",
                                "retries",
                                0)));
        register(service, v1, strategy);

        String rollout = release(service, v2);
        JsonNode done = awaitEnd(rollout);

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("ABORTED");
        assertThat(done.path("reason").asText())
                .contains("webhook gate integration-tests (preRollout) failed");
        assertThat(tests.served()).isEqualTo(1);
        assertThat(v2.served()).as("requests that reached the canary").isZero();
        assertThat(steps(history(rollout))).doesNotContain(25.0);
        assertFoldEqualsState(rollout);
    }

    @Test
    void aBlueGreenReleaseIsSwitchedByAPromoteClickedInSlack() throws Exception {
        String service = "pay-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer blue = upstream("blue");
        UpstreamServer green = upstream("green");
        register(
                service,
                blue,
                Map.of(
                        "type",
                        "blueGreen",
                        "blueGreen",
                        Map.of(
                                "preview",
                                Map.of(
                                        "kind",
                                        "HEADER",
                                        "name",
                                        "x-glide-preview",
                                        "value",
                                        "true",
                                        "target",
                                        "CANARY"),
                                "autoPromote",
                                false,
                                "rollbackWindow",
                                "3s")));

        String rollout = release(service, green);
        try (LoadLoop load = loadOnceRouted(rollout, service)) {
            // green serves preview requests only, and the rollout waits for a promotion
            await().atMost(ROLLOUT_TIME)
                    .until(
                            () ->
                                    history(rollout).stream()
                                            .anyMatch(
                                                    e ->
                                                            e.path("cause")
                                                                    .asText()
                                                                    .equals(
                                                                            "waiting for promotion")));
            String button =
                    await().atMost(ROLLOUT_TIME)
                            .until(() -> promoteButton(rollout), value -> value != null);
            String body =
                    slack.clickBody(
                            SlackApiStandIn.APPROVER,
                            "alice",
                            "promote",
                            button,
                            "1700000100.000001",
                            rollout);
            given().baseUri(glide.notifierUrl())
                    .contentType("application/x-www-form-urlencoded")
                    .headers(
                            SlackApiStandIn.signed(
                                    body, Long.toString(Instant.now().getEpochSecond())))
                    .body(body)
                    .when()
                    .post("/slack/interactions")
                    .then()
                    .statusCode(200);

            JsonNode done = awaitEnd(rollout);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(versionsServing(service, 20)).containsOnly("green");
            load.close();
            assertThat(load.failures()).isEmpty();
        }
        List<JsonNode> history = history(rollout);
        assertThat(inputs(history, "CommandReceived"))
                .singleElement()
                .satisfies(
                        command ->
                                assertThat(command.path("actor").asText())
                                        .isEqualTo("slack:alice (U0ALICE)"));
        assertInOrder(history);
        assertFoldEqualsState(rollout);
    }

    @Test
    void aBlueGreenSmokeTestOfThePreviewSwitchesWithoutUserPreviewTrafficAndAFailingOneNever()
            throws Exception {
        String good = "bg-" + UUID.randomUUID().toString().substring(0, 8);
        String bad = "bg-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer blue = upstream("blue");
        UpstreamServer green = upstream("green");
        UpstreamServer broken = upstream("green");
        broken.failRate(1.0);
        register(good, blue, smokeTestedBlueGreen(good));
        register(bad, blue, smokeTestedBlueGreen(bad));

        String switched = release(good, green);
        String refused = release(bad, broken);
        try (LoadLoop goodUsers = loadOnceRouted(switched, good);
                LoadLoop badUsers = loadOnceRouted(refused, bad)) {
            JsonNode done = awaitEnd(switched);
            JsonNode aborted = awaitEnd(refused);
            goodUsers.close();
            badUsers.close();

            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(versionsServing(good, 20)).containsOnly("green");
            assertThat(goodUsers.failures()).isEmpty();

            assertThat(aborted.path("state").asText()).as(aborted.toString()).isEqualTo("ABORTED");
            assertThat(aborted.path("reason").asText())
                    .contains("smoke test smoke (prePromotion): failed; 5 sent, 5 failed");
            assertThat(badUsers.byVersion())
                    .as("users never saw the new version")
                    .containsOnlyKeys("blue");
        }
        // the smoke test reached green through the gateway's preview route, nobody else did
        // before the switch
        List<JsonNode> history = history(switched);
        assertThat(
                        inputs(history, "VerdictReceived").stream()
                                .flatMap(v -> toList(v.path("checks")).stream())
                                .map(c -> c.path("detail").asText()))
                .anySatisfy(
                        detail ->
                                assertThat(detail)
                                        .contains(
                                                "smoke test smoke (prePromotion): passed; 5 sent, 0 failed"));
        assertThat(steps(history(refused))).doesNotContain(100.0);
        assertInOrder(history);
        assertFoldEqualsState(switched);
        assertFoldEqualsState(refused);
    }

    @Test
    void aQuietServicesCanaryReachesAVerdictThroughALoadTestAndABadOneIsAborted() throws Exception {
        String good = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        String bad = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        UpstreamServer v1 = upstream("v1");
        UpstreamServer v2 = upstream("v2");
        UpstreamServer v2bad = upstream("v2");
        v2bad.failRate(0.3);
        register(good, v1, loadTestedCanary());
        register(bad, v1, loadTestedCanary());

        String passing = release(good, v2);
        String failing = release(bad, v2bad);
        // two user requests a second: at 10 % about one canary request a window
        try (LoadLoop goodUsers = quietlyOnceRouted(passing, good);
                LoadLoop badUsers = quietlyOnceRouted(failing, bad)) {
            JsonNode done = awaitEnd(passing);
            JsonNode aborted = awaitEnd(failing);
            goodUsers.close();
            badUsers.close();
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(aborted.path("state").asText()).as(aborted.toString()).isEqualTo("ABORTED");
            assertThat(aborted.path("reason").asText()).startsWith("analysis failed");
            assertThat(goodUsers.failures()).isEmpty();
        }
        assertThat(inputs(history(passing), "VerdictReceived"))
                .extracting(v -> v.path("verdict").asText())
                .as("decided on the load test's requests, never short of them")
                .containsOnly("PASS");
        assertFoldEqualsState(passing);
        assertFoldEqualsState(failing);
    }

    private static Map<String, Object> smokeTestedBlueGreen(String service) {
        return Map.of(
                "type",
                "blueGreen",
                "blueGreen",
                Map.of(
                        "preview",
                        Map.of(
                                "kind",
                                "HEADER",
                                "name",
                                "x-glide-preview",
                                "value",
                                "true",
                                "target",
                                "CANARY"),
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
                                        5,
                                        "url",
                                        glide.gatewayUrl(),
                                        "path",
                                        "/" + service + "/health"))));
    }

    private static Map<String, Object> loadTestedCanary() {
        return Map.of(
                "type",
                "canary",
                "steps",
                List.of(
                        Map.of("setWeight", 10),
                        Map.of(
                                "analysis",
                                Map.of(
                                        "metrics",
                                        List.of("error-rate"),
                                        "interval",
                                        "3s",
                                        "count",
                                        2,
                                        "failureLimit",
                                        0)),
                        Map.of("setWeight", 100)),
                "gates",
                List.of(
                        Map.of(
                                "name",
                                "load",
                                "phase",
                                "rollout",
                                "test",
                                Map.of("kind", "load", "rate", 20))));
    }

    private LoadLoop quietlyOnceRouted(String rollout, String service) {
        await().atMost(ROLLOUT_TIME)
                .until(() -> inputs(history(rollout), "TrafficConfirmed").size() >= 1);
        return LoadLoop.atRate(URI.create(glide.gatewayUrl() + "/" + service + "/"), 1, 2);
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private UpstreamServer upstream(String version) {
        UpstreamServer server = UpstreamServer.start(version);
        closing.add(server);
        return server;
    }

    @org.junit.jupiter.api.AfterEach
    void closeUpstreams() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static Map<String, Object> canary(double... weights) {
        List<Object> steps = new ArrayList<>();
        for (double weight : weights) {
            steps.add(Map.of("setWeight", weight));
            if (weight < 5) {
                // too few requests at 1 % for a verdict under this light load: a short look, then
                // on
                steps.add(Map.of("pause", Map.of("duration", "2s")));
            } else if (weight < 100) {
                steps.add(
                        Map.of(
                                "analysis",
                                Map.of(
                                        "metrics",
                                        List.of("error-rate", "latency-p99"),
                                        "interval",
                                        "3s",
                                        "count",
                                        2,
                                        "failureLimit",
                                        0)));
            }
        }
        return Map.of("type", "canary", "steps", steps);
    }

    private static void register(
            String service, UpstreamServer stable, Map<String, Object> strategy) {
        given().baseUri(glide.plannerUrl())
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "team",
                                SlackApiStandIn.TEAM,
                                "gateway",
                                Map.of("adapter", "embedded", "route", "/" + service),
                                "stable",
                                Map.of(
                                        "version",
                                        stable.version(),
                                        "endpoints",
                                        List.of(stable.endpoint())),
                                "strategy",
                                strategy,
                                "releasePolicy",
                                "queue"))
                .when()
                .put("/api/services/" + service)
                .then()
                .log()
                .ifValidationFails()
                .statusCode(201);
    }

    private static String release(String service, UpstreamServer canary) {
        String location =
                given().baseUri(glide.plannerUrl())
                        .contentType(ContentType.JSON)
                        .body(
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        canary.version(),
                                        "environment",
                                        "prod",
                                        "endpoints",
                                        List.of(canary.endpoint())))
                        .when()
                        .post("/api/releases")
                        .then()
                        .statusCode(202)
                        .extract()
                        .header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /**
     * Clients start once the gateway has the service's route (its first step), then keep going
     * through the rollout.
     */
    private LoadLoop loadOnceRouted(String rollout, String service) {
        await().atMost(ROLLOUT_TIME)
                .until(
                        () ->
                                !steps(history(rollout)).isEmpty()
                                        && inputs(history(rollout), "TrafficConfirmed").size()
                                                >= 1);
        return LoadLoop.paced(
                URI.create(glide.gatewayUrl() + "/" + service + "/"), 6, Duration.ofMillis(5));
    }

    private static JsonNode awaitEnd(String rollout) {
        return await().atMost(ROLLOUT_TIME)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> rollout(rollout),
                        r ->
                                List.of("SUCCEEDED", "ABORTED", "FAILED")
                                        .contains(r.path("state").asText()));
    }

    private static JsonNode rollout(String rollout) throws Exception {
        return JSON.readTree(
                given().baseUri(glide.plannerUrl())
                        .get("/api/rollouts/" + rollout)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    private static List<JsonNode> history(String rollout) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(
                        given().baseUri(glide.plannerUrl())
                                .get("/api/rollouts/" + rollout + "/history")
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString())
                .forEach(entries::add);
        return entries;
    }

    /** The canary weight of every step the planner asked of the gateway, in order. */
    private static List<Double> steps(List<JsonNode> history) {
        return history.stream()
                .filter(e -> e.path("type").asText().equals("STEP"))
                .map(e -> e.path("payload").path("weights").path("canary").asDouble())
                .toList();
    }

    private static List<JsonNode> inputs(List<JsonNode> history, String kind) {
        return history.stream()
                .filter(e -> e.path("type").asText().equals("INPUT"))
                .map(e -> e.path("payload"))
                .filter(p -> p.path("input").asText().equals(kind))
                .toList();
    }

    private static void assertInOrder(List<JsonNode> history) {
        assertThat(history)
                .extracting(e -> e.path("sequence").asLong())
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(history).extracting(e -> e.path("occurredAt").asText()).isSorted();
    }

    private static void assertFoldEqualsState(String rollout) throws Exception {
        JsonNode fold =
                JSON.readTree(
                        given().baseUri(glide.plannerUrl())
                                .get("/api/rollouts/" + rollout + "/fold")
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString());
        assertThat(fold.path("equal").asBoolean()).as(fold.toString()).isTrue();
    }

    private static List<String> versionsServing(String service, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            versions.add(
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            glide.gatewayUrl()
                                                                    + "/"
                                                                    + service
                                                                    + "/"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .headers()
                            .firstValue("X-Glide-Version")
                            .orElse("none"));
        }
        return versions;
    }

    /**
     * The value of the Promote button in the rollout's newest Slack message (post or update), as
     * Slack shows it.
     */
    private static String promoteButton(String rollout) {
        String value = null;
        for (SlackApiStandIn.Call call : slack.calls) {
            if (call.blocks() == null || !call.blocks().toString().contains(rollout + "|")) {
                continue;
            }
            for (JsonNode block : call.blocks()) {
                for (JsonNode element : block.path("elements")) {
                    if (element.path("action_id").asText().equals("promote")) {
                        value = element.path("value").asText();
                    }
                }
            }
        }
        return value;
    }
}
