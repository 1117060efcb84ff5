package dev.glide.bench;

import dev.glide.testsupport.GlideSystem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The whole system as the benchmarks that judge canaries start it. */
final class BenchSystems {

    private BenchSystems() {}

    /**
     * Kafka, PostgreSQL and the four services, with analysis windows judged from 10 canary requests
     * (20 in all): benchmark rollouts send little traffic for a short time, and must still be
     * decided.
     */
    static GlideSystem withQuickAnalysis(Path root, Path data) {
        return GlideSystem.builder(root)
                .dataDir(data)
                .partitions(3)
                .set("analysis-service", "glide.analysis.min-requests", "20")
                .set("analysis-service", "glide.analysis.min-window-requests", "10")
                .start();
    }

    /**
     * A call to any live planner replica (one may be down on purpose); anything but 2xx is an error
     * naming the planner's answer.
     */
    static String callAnyPlanner(
            HttpClient http, GlideSystem glide, String method, String path, String body)
            throws IOException, InterruptedException {
        IOException last = null;
        for (var planner : glide.replicas("planner-service")) {
            try {
                HttpRequest.Builder request =
                        HttpRequest.newBuilder(URI.create(planner.url() + path))
                                .timeout(Duration.ofSeconds(20))
                                .header("Content-Type", "application/json");
                request.method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
                HttpResponse<String> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException(
                            method
                                    + " "
                                    + path
                                    + ": "
                                    + response.statusCode()
                                    + " "
                                    + response.body());
                }
                return response.body();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }
}
