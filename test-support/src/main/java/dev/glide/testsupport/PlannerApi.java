package dev.glide.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The planner's REST API as the demos and benchmarks call it: JSON in and out; anything but 2xx is
 * an error naming the planner's answer.
 */
public final class PlannerApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public PlannerApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String url() {
        return baseUrl;
    }

    public JsonNode call(String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    method
                            + " "
                            + path
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return read(response);
    }

    /** What {@code GET path} answers, or null when the planner does not know it (404). */
    public JsonNode find(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", path, null);
        return response.statusCode() == 404 ? null : read(response);
    }

    /**
     * Registers {@code service} (team, gateway binding and strategy as given, releases queued) with
     * {@code stable} serving it now.
     */
    public void register(
            String service,
            String team,
            Map<String, Object> gateway,
            UpstreamServer stable,
            Map<String, Object> strategy)
            throws IOException, InterruptedException {
        call(
                "PUT",
                "/api/services/" + service,
                Map.of(
                        "team",
                        team,
                        "gateway",
                        gateway,
                        "stable",
                        Map.of(
                                "version",
                                stable.version(),
                                "endpoints",
                                List.of(stable.endpoint())),
                        "strategy",
                        strategy,
                        "releasePolicy",
                        "queue"));
    }

    /** Releases {@code canary}'s version of {@code service} to prod; its rollout's id. */
    public String release(String service, UpstreamServer canary)
            throws IOException, InterruptedException {
        return call(
                        "POST",
                        "/api/releases",
                        Map.of(
                                "service",
                                service,
                                "version",
                                canary.version(),
                                "environment",
                                "prod",
                                "endpoints",
                                List.of(canary.endpoint())))
                .path("rolloutId")
                .asText();
    }

    /** The rollout once it is in one of {@code states}, waiting up to {@code timeout}. */
    public JsonNode awaitState(String rolloutId, Duration timeout, String... states) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> call("GET", "/api/rollouts/" + rolloutId, null),
                        r -> List.of(states).contains(r.path("state").asText()));
    }

    /** The rollout once it ended (SUCCEEDED, ABORTED or FAILED). */
    public JsonNode awaitEnd(String rolloutId, Duration timeout) {
        return awaitState(rolloutId, timeout, "SUCCEEDED", "ABORTED", "FAILED");
    }

    /**
     * True once the gateway confirmed a step of the rollout: from then on it has the service's
     * route.
     */
    public boolean trafficConfirmed(String rolloutId) throws IOException, InterruptedException {
        JsonNode history = find("/api/rollouts/" + rolloutId + "/history");
        if (history != null) {
            for (JsonNode entry : history) {
                if (entry.path("payload").path("input").asText().equals("TrafficConfirmed")) {
                    return true;
                }
            }
        }
        return false;
    }

    private HttpResponse<String> send(String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode read(HttpResponse<String> response) {
        try {
            return response.body().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
