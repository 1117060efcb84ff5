package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard and the CLI read: the list by team, a rollout's live stream, and verdicts'
 * evidence in the log.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class RolloutStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WAITS_AT_10 =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{}}]}";

    @Inject EventCodec codec;

    @TestHTTPResource("/")
    URL base;

    @Test
    void theListFiltersByTeamAndRefusesALimitOutOfRange() {
        String payments = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(payments, WAITS_AT_10);
        String search = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"search\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]}}")
                .when()
                .put("/api/services/" + search)
                .then()
                .statusCode(201);
        String paymentsRollout = Simulated.release(payments, "v2");
        String searchRollout = Simulated.release(search, "v2");

        List<String> teams =
                given().when()
                        .get("/api/rollouts?team=search")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("team");
        assertThat(teams).isNotEmpty().containsOnly("search");
        given().when().get("/api/rollouts?team=search").then().body("id", hasItem(searchRollout));
        given().when()
                .get("/api/rollouts?team=payments&limit=1")
                .then()
                .body("id", equalTo(List.of(paymentsRollout)));
        given().when()
                .get("/api/rollouts?limit=0")
                .then()
                .statusCode(400)
                .body("problems", equalTo(List.of("limit: 0 is not between 1 and 1000")));
    }

    @Test
    void aRolloutsStreamSendsItsHistoryFirstThenOnlyWhatChanged() throws Exception {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(service, WAITS_AT_10);
        String rollout = Simulated.release(service, "v2");
        Simulated gateway = new Simulated(TopicProbe.shared(), codec, rollout, service);
        BlockingQueue<JsonNode> events = subscribe("/api/rollouts/" + rollout + "/stream");

        JsonNode first = events.poll(30, TimeUnit.SECONDS);
        assertThat(first.path("rollout").path("id").asText()).isEqualTo(rollout);
        assertThat(first.path("rollout").path("team").asText()).isEqualTo("payments");
        List<String> types = types(first);
        assertThat(types).startsWith("INPUT").contains("STEP");
        long seen = last(first);

        // the gateway confirms the 10 % step: the rollout waits for promotion, and the stream sends
        // only what is new
        await().atMost(TopicProbe.WAIT).until(gateway::answer);
        List<JsonNode> updates = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            JsonNode update = events.poll(1, TimeUnit.SECONDS);
                            if (update != null) {
                                updates.add(update);
                            }
                            return update != null
                                    && update.path("rollout").path("step").asInt() == 2;
                        });
        List<Long> sequences =
                updates.stream()
                        .flatMap(u -> StreamSupport.stream(u.path("entries").spliterator(), false))
                        .map(entry -> entry.path("sequence").asLong())
                        .toList();
        assertThat(sequences)
                .isNotEmpty()
                .isSorted()
                .doesNotHaveDuplicates()
                .allSatisfy(sequence -> assertThat(sequence).isGreaterThan(seen));
        assertThat(updates.get(updates.size() - 1).path("rollout").path("canaryWeight").asDouble())
                .isEqualTo(10.0);
    }

    @Test
    void theListStreamSendsTheListAsJsonNowAndAgainWhenARolloutInItChanges() throws Exception {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(service, WAITS_AT_10);
        BlockingQueue<JsonNode> events = subscribe("/api/rollouts/stream?service=" + service);

        JsonNode first = events.poll(30, TimeUnit.SECONDS);
        assertThat(first.isArray()).as("the list itself, not a string holding it").isTrue();
        assertThat(first).isEmpty();

        String rollout = Simulated.release(service, "v2");
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            JsonNode update = events.poll(1, TimeUnit.SECONDS);
                            return update != null
                                    && update.isArray()
                                    && update.size() == 1
                                    && update.get(0).path("id").asText().equals(rollout);
                        });
    }

    @Test
    void aVerdictsEvidenceIsKeptInTheRolloutsHistory() {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(
                service,
                "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},"
                        + "{\"analysis\":{\"metrics\":[\"error-rate\"],\"interval\":\"1m\",\"count\":2}}]}");
        String rollout = Simulated.release(service, "v2");
        Simulated gateway = new Simulated(TopicProbe.shared(), codec, rollout, service);
        gateway.verdict = null;
        await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            gateway.answer();
                            return Simulated.state(rollout).equals("PROGRESSING")
                                    && Simulated.step(rollout) == 2;
                        });
        long analysis =
                given().when()
                        .get("/api/rollouts/" + rollout + "/history")
                        .then()
                        .extract()
                        .jsonPath()
                        .<Integer>getList("findAll { it.type == 'ANALYSIS' }.sequence")
                        .get(0);

        AnalysisVerdict.Check errors =
                new AnalysisVerdict.Check(
                        "error-rate",
                        "fisher-exact",
                        0.002,
                        0.004,
                        3.0,
                        0.2,
                        0.001,
                        true,
                        "canary 3 errors in 750 (0.400 %) against baseline 14 in 7000 (0.200 %)");
        TopicProbe.shared()
                .send(
                        Topics.ANALYSIS_VERDICTS,
                        rollout,
                        codec.encode(
                                new AnalysisVerdict(
                                        AnalysisVerdict.SCHEMA_VERSION,
                                        rollout,
                                        analysis,
                                        1,
                                        AnalysisVerdict.Verdict.PASS,
                                        90,
                                        List.of(errors),
                                        "no regression",
                                        Instant.now())));

        await().atMost(TopicProbe.WAIT)
                .untilAsserted(
                        () ->
                                given().when()
                                        .get("/api/rollouts/" + rollout + "/history")
                                        .then()
                                        .body(
                                                "findAll { it.payload.input == 'VerdictReceived' }[0].payload.checks[0].canary",
                                                equalTo(0.004f))
                                        .body(
                                                "findAll { it.payload.input == 'VerdictReceived' }[0].payload.checks[0].baseline",
                                                equalTo(0.002f)));
    }

    private BlockingQueue<JsonNode> subscribe(String path) {
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                        .header("Accept", "text/event-stream")
                        .build();
        HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenAccept(
                        response -> {
                            try (BufferedReader lines =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    response.body(), StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = lines.readLine()) != null) {
                                    if (line.startsWith("data:")) {
                                        events.add(JSON.readTree(line.substring(5).trim()));
                                    }
                                }
                            } catch (IOException e) {
                                // the test ended and the planner closed the stream
                            }
                        });
        return events;
    }

    private static List<String> types(JsonNode update) {
        List<String> types = new ArrayList<>();
        update.path("entries").forEach(entry -> types.add(entry.path("type").asText()));
        return types;
    }

    private static long last(JsonNode update) {
        long last = 0;
        for (JsonNode entry : update.path("entries")) {
            last = Math.max(last, entry.path("sequence").asLong());
        }
        return last;
    }
}
