package dev.glide.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.PrometheusProcess;
import dev.glide.testsupport.RequiresTools;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics and alerts for the people who operate Glide, on the packaged planner and traffic
 * service: after a promoted rollout and an aborted one, {@code /q/metrics} shows them; the alerting
 * rules in {@code deploy/prometheus} pass {@code promtool}, every rule's expression evaluates
 * against a real Prometheus scraping this run, and a rollout made to stall (its analysis has no
 * analysis service to judge it) fires {@code GlideRolloutStalled}.
 */
@RequiresTools({DebianTool.Tool.PROMETHEUS, DebianTool.Tool.PROMTOOL})
class ObservabilityIT {

    private static final Path RULES = Path.of("../deploy/prometheus/glide-alerts.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1, as Prometheus scrapes: the JDK client's default upgrade to HTTP/2 over plain http
    // (h2c) once broke reading a service's metrics page in CI ("Frame type(109) length(2126953)
    // exceeds MAX_FRAME_SIZE")
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static GlideSystem glide;

    @BeforeAll
    static void start() {
        glide =
                GlideSystem.builder(Path.of(".."))
                        .only("planner-service", "traffic-service")
                        .partitions(3)
                        .set("planner-service", "glide.metrics.refresh", "1s")
                        .set("planner-service", "glide.metrics.progress-slack", "1s")
                        .start();
    }

    @AfterAll
    static void stop() {
        if (glide != null) {
            glide.close();
        }
    }

    @Test
    void theRulesPassPromtool() throws Exception {
        Process promtool =
                new ProcessBuilder(
                                DebianTool.Tool.PROMTOOL.require().toString(),
                                "check",
                                "rules",
                                RULES.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(promtool.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: " + rules().size() + " rules found");
    }

    @Test
    void rolloutsShowInTheMetricsEveryRuleEvaluatesAndAStalledRolloutFiresItsAlert(
            @TempDir Path dir) throws Exception {
        String promoted =
                register("obs-ok", List.of(Map.of("setWeight", 10), Map.of("pause", Map.of())));
        String aborted =
                register("obs-abort", List.of(Map.of("setWeight", 10), Map.of("pause", Map.of())));
        String stalled =
                register(
                        "obs-stall",
                        List.of(
                                Map.of("setWeight", 10),
                                Map.of(
                                        "analysis",
                                        Map.of(
                                                "metrics",
                                                List.of("error-rate"),
                                                "interval",
                                                "1s",
                                                "count",
                                                3,
                                                "failureLimit",
                                                0))));
        String first = release(promoted);
        String second = release(aborted);
        release(stalled);
        awaitStep(first, 2);
        awaitStep(second, 2);
        post("/api/rollouts/" + first + "/promote");
        post("/api/rollouts/" + second + "/abort?reason=checking+the+metrics");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> state(first).equals("SUCCEEDED") && state(second).equals("ABORTED"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            String planner = metrics(glide.plannerUrl());
                            assertThat(planner)
                                    .containsPattern(
                                            "glide_rollout_outcomes_total\\{[^}]*outcome=\"SUCCEEDED\"[^}]*strategy=\"canary\"[^}]*} 1\\.0")
                                    .containsPattern(
                                            "glide_rollout_outcomes_total\\{[^}]*outcome=\"ABORTED\"[^}]*} 1\\.0")
                                    .containsPattern(
                                            "glide_rollout_transitions_total\\{[^}]*from=\"PROGRESSING\"[^}]*to=\"ABORTING\"[^}]*} 1\\.0")
                                    .containsPattern(
                                            "glide_rollout_abort_reaction_seconds_count(\\{[^}]*})? 1\\.0")
                                    .containsPattern(
                                            "glide_rollouts\\{[^}]*state=\"SUCCEEDED\"[^}]*} 1\\.0")
                                    .containsPattern(
                                            "glide_rollout_canary_weight_percent\\{[^}]*service=\""
                                                    + stalled
                                                    + "\"[^}]*} 10\\.0")
                                    .containsPattern(
                                            "glide_rollout_progress_overdue_seconds\\{[^}]*service=\""
                                                    + stalled
                                                    + "\"[^}]*} [1-9]")
                                    .contains("glide_outbox_lag_seconds");
                            assertThat(metrics(glide.service("traffic-service").url()))
                                    .containsPattern(
                                            "glide_traffic_step_seconds_count\\{[^}]*adapter=\"noop\"[^}]*outcome=\"applied\"[^}]*} [1-9]");
                        });

        // the rules as shipped, but firing at once rather than after their 'for'
        Path rules =
                Files.writeString(
                        dir.resolve("glide-alerts.yml"),
                        Files.readString(RULES).replaceAll("for: \\S+", "for: 0s"));
        try (PrometheusProcess prometheus =
                PrometheusProcess.start(
                        dir.resolve("prometheus"),
                        List.of(
                                authority(glide.plannerUrl()),
                                authority(glide.service("traffic-service").url())),
                        "/q/metrics",
                        rules)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> query(prometheus, "up").path("result").size() == 2);
            for (String expression : rules().values()) {
                JsonNode answer = query(prometheus, expression);
                assertThat(answer.path("resultType").asText())
                        .as("the rule's expression %s", expression)
                        .isEqualTo("vector");
            }
            JsonNode alert =
                    await().atMost(Duration.ofSeconds(60))
                            .until(
                                    () -> firing(prometheus, "GlideRolloutStalled", stalled),
                                    a -> a != null);
            assertThat(alert.path("annotations").path("summary").asText())
                    .isEqualTo(
                            "The rollout of "
                                    + stalled
                                    + " has made no progress for longer than its plan allows");
            assertThat(firing(prometheus, "GlideRolloutStalled", promoted)).isNull();
        }
    }

    /** Each rule's name and expression, in the file's order. */
    private static Map<String, String> rules() throws Exception {
        Map<String, String> rules = new java.util.LinkedHashMap<>();
        Matcher m =
                Pattern.compile("- alert: (\\S+)\\s+expr: (.+)").matcher(Files.readString(RULES));
        while (m.find()) {
            rules.put(m.group(1), m.group(2).strip());
        }
        return rules;
    }

    private static JsonNode firing(PrometheusProcess prometheus, String name, String service)
            throws Exception {
        JsonNode alerts =
                JSON.readTree(get(prometheus.url() + "/api/v1/alerts")).path("data").path("alerts");
        for (JsonNode alert : alerts) {
            if (name.equals(alert.path("labels").path("alertname").asText())
                    && service.equals(alert.path("labels").path("service").asText())
                    && "firing".equals(alert.path("state").asText())) {
                return alert;
            }
        }
        return null;
    }

    private static JsonNode query(PrometheusProcess prometheus, String expression)
            throws Exception {
        JsonNode answer =
                JSON.readTree(
                        get(
                                prometheus.url()
                                        + "/api/v1/query?query="
                                        + URLEncoder.encode(expression, StandardCharsets.UTF_8)));
        assertThat(answer.path("status").asText())
                .as(expression + ": " + answer)
                .isEqualTo("success");
        return answer.path("data");
    }

    private static String authority(String url) {
        return URI.create(url).getAuthority();
    }

    private static String metrics(String serviceUrl) throws Exception {
        return get(serviceUrl + "/q/metrics");
    }

    private static String get(String url) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String register(String prefix, List<Map<String, Object>> steps)
            throws Exception {
        String service = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(glide.plannerUrl() + "/api/services/" + service))
                                .header("Content-Type", "application/json")
                                .PUT(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(
                                                        Map.of(
                                                                "team", "ops",
                                                                "gateway",
                                                                        Map.of(
                                                                                "adapter", "noop",
                                                                                "route", service),
                                                                "stable",
                                                                        Map.of(
                                                                                "version",
                                                                                "v1",
                                                                                "endpoints",
                                                                                List.of(
                                                                                        "http://127.0.0.1:1")),
                                                                "environment", "prod",
                                                                "strategy",
                                                                        Map.of(
                                                                                "type", "canary",
                                                                                "steps", steps)))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return service;
    }

    private static String release(String service) throws Exception {
        return JSON.readTree(
                        post(
                                "/api/releases",
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        "v2",
                                        "environment",
                                        "prod",
                                        "endpoints",
                                        List.of("http://127.0.0.1:2"))))
                .path("rolloutId")
                .asText();
    }

    private static void awaitStep(String rollout, int step) {
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                JSON.readTree(get(glide.plannerUrl() + "/api/rollouts/" + rollout))
                                                .path("step")
                                                .asInt()
                                        == step);
    }

    private static String state(String rollout) throws Exception {
        return JSON.readTree(get(glide.plannerUrl() + "/api/rollouts/" + rollout))
                .path("state")
                .asText();
    }

    private static String post(String path) throws Exception {
        return post(path, null);
    }

    private static String post(String path, Object body) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(glide.plannerUrl() + path))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                body == null ? "" : JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
        return response.body();
    }
}
