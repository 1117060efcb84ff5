package dev.glide.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A real Prometheus (the Debian package) scraping one target every second, started by a test. */
public final class PrometheusProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private PrometheusProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Prometheus scraping {@code target} (host:port, path /metrics) every second. */
    public static PrometheusProcess start(Path dir, String target) {
        return start(dir, List.of(target), "/metrics", null);
    }

    /**
     * Starts Prometheus scraping {@code targets} (host:port) at {@code metricsPath} every second,
     * evaluating the rules in {@code rules} (or none) every second.
     */
    public static PrometheusProcess start(
            Path dir, List<String> targets, String metricsPath, Path rules) {
        Path binary = DebianTool.Tool.PROMETHEUS.require();
        try {
            Files.createDirectories(dir);
            int port = FreePorts.pick();
            Path config = dir.resolve("prometheus.yml");
            List<String> lines = new java.util.ArrayList<>();
            lines.addAll(List.of("global:", "  scrape_interval: 1s", "  evaluation_interval: 1s"));
            if (rules != null) {
                lines.addAll(List.of("rule_files:", "  - '" + rules.toAbsolutePath() + "'"));
            }
            lines.addAll(
                    List.of(
                            "scrape_configs:",
                            "  - job_name: app",
                            "    metrics_path: '" + metricsPath + "'",
                            "    static_configs:",
                            "      - targets: ["
                                    + String.join(
                                            ", ", targets.stream().map(t -> "'" + t + "'").toList())
                                    + "]",
                            ""));
            Files.writeString(config, String.join("\n", lines), StandardCharsets.UTF_8);
            Process process =
                    new ProcessBuilder(
                                    Processes.inOwnSession(
                                            List.of(
                                                    binary.toString(),
                                                    "--config.file=" + config,
                                                    "--storage.tsdb.path=" + dir.resolve("data"),
                                                    "--web.listen-address=127.0.0.1:" + port)))
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("prometheus.log").toFile())
                            .start();
            PrometheusProcess prometheus = new PrometheusProcess(process, port);
            HttpClient http = HttpClient.newHttpClient();
            Awaitility.await("Prometheus ready on " + port)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    http.send(
                                                            HttpRequest.newBuilder(
                                                                            URI.create(
                                                                                    prometheus.url()
                                                                                            + "/-/ready"))
                                                                    .build(),
                                                            HttpResponse.BodyHandlers.discarding())
                                                    .statusCode()
                                            == 200);
            return prometheus;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start prometheus in " + dir, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
