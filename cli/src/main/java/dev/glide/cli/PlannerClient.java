package dev.glide.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The planner's HTTP API as the CLI uses it: JSON in and out, refusals turned into {@link
 * CliException}s.
 */
final class PlannerClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PlannerClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(publisher(body)));
    }

    /**
     * Reads a server-sent event stream, giving each event's JSON to {@code onEvent} until it
     * answers true; the stream is read again after a broken connection, so a planner restart does
     * not end a watch.
     */
    void stream(String path, Duration timeout, Predicate<JsonNode> onEvent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
            try {
                HttpResponse<InputStream> response =
                        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() >= 400) {
                    String body =
                            new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                    throw refusal(response.statusCode(), body);
                }
                try (BufferedReader lines =
                        new BufferedReader(
                                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("data:")
                                && onEvent.test(JSON.readTree(line.substring(5).trim()))) {
                            return;
                        }
                        if (System.nanoTime() > deadline) {
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                sleepBeforeRetry(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.UNREACHABLE, "interrupted");
            }
        }
        throw new CliException(
                CliException.TIMED_OUT, "gave up watching after " + timeout.toSeconds() + " s");
    }

    private static void sleepBeforeRetry(long deadline) {
        try {
            Thread.sleep(Math.max(0, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.trim());
        }
        return request;
    }

    private static HttpRequest.BodyPublisher publisher(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(
                    body == null ? "" : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(
                    CliException.UNREACHABLE,
                    "the planner at "
                            + base
                            + " is unreachable ("
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + "); set --planner or GLIDE_PLANNER");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNREACHABLE, "interrupted");
        }
        if (response.statusCode() >= 400) {
            throw refusal(response.statusCode(), response.body());
        }
        try {
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(
                    CliException.UNREACHABLE,
                    "the planner answered "
                            + request.method()
                            + " "
                            + request.uri().getPath()
                            + " with something that is not JSON");
        }
    }

    /**
     * The planner's refusal in one line: its {@code error}, each problem, or its command answer's
     * message.
     */
    private static CliException refusal(int status, String body) {
        String reason = body;
        try {
            JsonNode json = JSON.readTree(body);
            if (json.hasNonNull("error")) {
                StringBuilder text = new StringBuilder(json.get("error").asText());
                json.path("problems")
                        .forEach(problem -> text.append("; ").append(problem.asText()));
                reason = text.toString();
            } else if (json.hasNonNull("message")) {
                reason = json.get("message").asText();
            }
        } catch (IOException notJson) {
            // the body as it came
        }
        String hint = status == 401 ? " (set GLIDE_TOKEN or --token to your team's API token)" : "";
        return new CliException(
                status >= 500 ? CliException.UNREACHABLE : CliException.REFUSED,
                "the planner refused (" + status + "): " + reason + hint);
    }
}
