package dev.glide.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.UpstreamServer;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An experiment end to end on real parts (Kafka, PostgreSQL, the planner, traffic and analysis
 * services as their packaged JVMs, the embedded gateway): a control and two variants, users who
 * browse and buy through the gateway each under their own id, the application marking a purchase as
 * the goal. v2b fails its guardrail and is stopped alone, its users going back to the control; v2a
 * converts better, wins, and every user is switched to it at once (blue-green).
 */
class ExperimentIT {

    private static final Duration EXPERIMENT_TIME = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RETURNING = 90;
    private static GlideSystem glide;

    @BeforeAll
    static void startGlide() {
        glide =
                GlideSystem.builder(Path.of(".."))
                        .only("planner-service", "traffic-service", "analysis-service")
                        .partitions(3)
                        .set("analysis-service", "glide.analysis.min-requests", "20")
                        .set("analysis-service", "glide.analysis.min-window-requests", "10")
                        .start();
    }

    @AfterAll
    static void stopGlide() {
        if (glide != null) {
            glide.close();
        }
    }

    @Test
    void aFailingVariantStopsAloneTheBetterOneWinsAndEveryUserKeepsTheirVersionUntilTheSwitch()
            throws Exception {
        String service = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        try (UpstreamServer control = UpstreamServer.start("v1");
                UpstreamServer better = UpstreamServer.start("v2a");
                UpstreamServer failing = UpstreamServer.start("v2b")) {
            control.goal("/buy", "checkout", 0.10);
            better.goal("/buy", "checkout", 0.10);
            failing.goal("/buy", "checkout", 0.10);
            failing.failRate(0.30);
            register(service, control);

            String rollout = release(service, better, failing);
            // users come once the gateway serves the arms (read back)
            await().atMost(EXPERIMENT_TIME)
                    .until(() -> !inputs(history(rollout), "TrafficConfirmed").isEmpty());
            Users users = new Users(service);
            JsonNode done;
            try {
                // v2b fails its guardrail first; only then do v2a's users start converting better
                await().atMost(EXPERIMENT_TIME)
                        .until(
                                () ->
                                        history(rollout).stream()
                                                .filter(ExperimentIT::armsStep)
                                                .anyMatch(
                                                        e ->
                                                                e.path("payload")
                                                                        .path("arms")
                                                                        .get(2)
                                                                        .path("stopped")
                                                                        .asBoolean()));
                better.goal("/buy", "checkout", 0.60);
                done = awaitEnd(rollout);
                // every returning user comes back after the switch, to see them on the winner
                users.awaitEveryReturningUserAgain();
            } finally {
                users.close();
            }

            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            List<JsonNode> history = history(rollout);
            assertThat(
                            history.stream()
                                    .filter(e -> e.path("type").asText().equals("TRANSITION"))
                                    .map(e -> e.path("payload").path("cause").asText())
                                    .toList())
                    .contains("the winner v2a serves all traffic");
            List<JsonNode> verdicts = inputs(history, "VerdictReceived");
            assertThat(verdicts)
                    .anySatisfy(
                            v -> assertThat(v.path("guardrailFailed").toString()).contains("v2b"));
            assertThat(verdicts)
                    .anySatisfy(v -> assertThat(v.path("winner").asText()).isEqualTo("v2a"));
            // the arms, then the arms with v2b stopped, then everyone on v2a
            List<JsonNode> armSteps =
                    history.stream()
                            .filter(ExperimentIT::armsStep)
                            .map(e -> e.path("payload"))
                            .toList();
            assertThat(armSteps).hasSizeGreaterThanOrEqualTo(2);
            assertThat(
                            armSteps.get(armSteps.size() - 1)
                                    .path("arms")
                                    .get(2)
                                    .path("stopped")
                                    .asBoolean())
                    .isTrue();
            assertThat(
                            armSteps.get(armSteps.size() - 1)
                                    .path("arms")
                                    .get(1)
                                    .path("stopped")
                                    .asBoolean())
                    .isFalse();

            // no request failed at the gateway, through the stop and the switch alike
            assertThat(users.gatewayFailures()).as(users.failureSample()).isZero();
            // every returning user kept one version until their arm stopped or the winner took
            // everyone
            Map<String, List<String>> regulars = users.returningUsersSaw();
            assertThat(regulars).hasSize(RETURNING);
            regulars.forEach(
                    (user, seen) ->
                            assertThat(
                                            List.of(
                                                    List.of("v1", "v2a"),
                                                    List.of("v2a"),
                                                    List.of("v2b", "v1", "v2a")))
                                    .as("versions user %s saw, in order", user)
                                    .contains(seen));
            assertThat(regulars.values().stream().map(seen -> seen.get(0)))
                    .contains("v1", "v2a", "v2b");
            JsonNode service2 =
                    JSON.readTree(
                            given().baseUri(glide.plannerUrl())
                                    .get("/api/services/" + service)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .asString());
            assertThat(service2.path("stable").path("version").asText()).isEqualTo("v2a");
        }
    }

    private static boolean armsStep(JsonNode entry) {
        return entry.path("type").asText().equals("STEP")
                && entry.path("payload").path("arms").size() > 0;
    }

    /**
     * Users through the gateway, each under their own id, one request at a time: {@value
     * #RETURNING} returning users who keep browsing the whole time, and a stream of new users who
     * browse and buy once each (so each version's conversion per user is its chance of a purchase).
     * Records which versions each user saw, in order, and the requests the gateway itself failed.
     */
    private static final class Users implements AutoCloseable {
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final ExecutorService threads = Executors.newFixedThreadPool(8);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicLong> visits = new ConcurrentHashMap<>();
        private final AtomicLong newcomers = new AtomicLong();

        Users(String service) {
            for (int t = 0; t < 2; t++) {
                int first = t;
                threads.submit(
                        () -> {
                            while (running.get()) {
                                for (int u = first; u < RETURNING && running.get(); u += 2) {
                                    visit(service, "regular-" + u, "/browse");
                                }
                            }
                        });
            }
            for (int t = 0; t < 6; t++) {
                threads.submit(
                        () -> {
                            while (running.get()) {
                                String user = "new-" + newcomers.incrementAndGet();
                                visit(service, user, "/browse");
                                visit(service, user, "/buy");
                            }
                        });
            }
        }

        private void visit(String service, String user, String path) {
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        glide.gatewayUrl() + "/" + service + path))
                                        .header("X-User", user)
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                String version = response.headers().firstValue("X-Glide-Version").orElse(null);
                String upstream =
                        response.headers().firstValue(UpstreamServer.VERSION_HEADER).orElse(null);
                if (upstream == null) {
                    // no answer from any version: the gateway's own failure (502, 504, 404)
                    failures.add(user + " " + path + ": " + response.statusCode());
                    return;
                }
                List<String> versions = seen.computeIfAbsent(user, u -> new ArrayList<>());
                if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(version)) {
                    versions.add(version);
                }
                visits.computeIfAbsent(user, u -> new AtomicLong()).incrementAndGet();
                Thread.sleep(4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            } catch (Exception e) {
                failures.add(user + " " + path + ": " + e);
            }
        }

        /** Until every returning user has made two more requests (one may have been in flight). */
        void awaitEveryReturningUserAgain() {
            Map<String, Long> before = new java.util.HashMap<>();
            for (int u = 0; u < RETURNING; u++) {
                AtomicLong count = visits.get("regular-" + u);
                before.put("regular-" + u, count == null ? 0 : count.get());
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    before.entrySet().stream()
                                            .allMatch(
                                                    e ->
                                                            visits.getOrDefault(
                                                                                    e.getKey(),
                                                                                    new AtomicLong())
                                                                            .get()
                                                                    >= e.getValue() + 2));
        }

        /** What the returning users saw, in order. */
        Map<String, List<String>> returningUsersSaw() {
            Map<String, List<String>> regulars = new java.util.TreeMap<>();
            seen.forEach(
                    (user, versions) -> {
                        if (user.startsWith("regular-")) {
                            regulars.put(user, List.copyOf(versions));
                        }
                    });
            return regulars;
        }

        long gatewayFailures() {
            return failures.size();
        }

        String failureSample() {
            synchronized (failures) {
                return String.join("; ", failures.subList(0, Math.min(5, failures.size())));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            threads.awaitTermination(20, TimeUnit.SECONDS);
        }
    }

    private static void register(String service, UpstreamServer control) {
        given().baseUri(glide.plannerUrl())
                .contentType(ContentType.JSON)
                .body(
                        Map.of(
                                "team",
                                "web",
                                "gateway",
                                Map.of("adapter", "embedded", "route", "/" + service),
                                "stable",
                                Map.of("version", "v1", "endpoints", List.of(control.endpoint())),
                                "strategy",
                                Map.of(
                                        "type",
                                        "experiment",
                                        "experiment",
                                        Map.ofEntries(
                                                Map.entry("goal", "checkout"),
                                                Map.entry("per", "user"),
                                                Map.entry("stickyKey", "X-User"),
                                                Map.entry("shares", List.of(25, 25)),
                                                Map.entry("metrics", List.of("error-rate")),
                                                Map.entry("interval", "2s"),
                                                Map.entry("maxWindows", 30),
                                                Map.entry("minUnits", 30),
                                                Map.entry("winner", "blueGreen"))),
                                "releasePolicy",
                                "queue"))
                .when()
                .put("/api/services/" + service)
                .then()
                .log()
                .ifValidationFails()
                .statusCode(201);
    }

    private static String release(String service, UpstreamServer first, UpstreamServer second) {
        String location =
                given().baseUri(glide.plannerUrl())
                        .contentType(ContentType.JSON)
                        .body(
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        first.version(),
                                        "environment",
                                        "prod",
                                        "endpoints",
                                        List.of(first.endpoint()),
                                        "variants",
                                        List.of(
                                                Map.of(
                                                        "version",
                                                        second.version(),
                                                        "endpoints",
                                                        List.of(second.endpoint())))))
                        .when()
                        .post("/api/releases")
                        .then()
                        .log()
                        .ifValidationFails()
                        .statusCode(202)
                        .extract()
                        .header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static JsonNode awaitEnd(String rollout) {
        return await().atMost(EXPERIMENT_TIME)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () ->
                                JSON.readTree(
                                        given().baseUri(glide.plannerUrl())
                                                .get("/api/rollouts/" + rollout)
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .asString()),
                        r ->
                                List.of("SUCCEEDED", "ABORTED", "FAILED", "PAUSED")
                                        .contains(r.path("state").asText()));
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

    private static List<JsonNode> inputs(List<JsonNode> history, String kind) {
        return history.stream()
                .filter(e -> e.path("type").asText().equals("INPUT"))
                .map(e -> e.path("payload"))
                .filter(p -> p.path("input").asText().equals(kind))
                .toList();
    }
}
