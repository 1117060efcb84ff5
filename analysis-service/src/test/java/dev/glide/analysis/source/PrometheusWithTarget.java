package dev.glide.analysis.source;

import com.sun.net.httpserver.HttpServer;
import dev.glide.testsupport.PrometheusProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Prometheus scraping a stand-in application every second. The application serves 50
 * requests a second per version, as Micrometer would expose them: {@code v1} and {@code v2-good}
 * alike (0.2 % errors, fast), {@code v2-bad} with 10 % errors and slower answers.
 */
public class PrometheusWithTarget implements QuarkusTestResourceLifecycleManager {

    private static final double[] LE = {0.05, 0.1, 0.25, 0.5, 1.0};
    private HttpServer target;
    private PrometheusProcess prometheus;
    private final long started = System.nanoTime();

    @Override
    public Map<String, String> start() {
        try {
            target =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            target.createContext(
                    "/metrics",
                    exchange -> {
                        byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders()
                                .set("Content-Type", "text/plain; version=0.0.4");
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    });
            target.start();
            Path dir = Files.createTempDirectory("glide-prometheus");
            prometheus = PrometheusProcess.start(dir, "127.0.0.1:" + target.getAddress().getPort());
            return Map.of("glide.analysis.prometheus.url", prometheus.url());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (target != null) {
            target.stop(0);
        }
    }

    private String exposition() {
        double seconds = (System.nanoTime() - started) / 1e9;
        StringBuilder out = new StringBuilder("# TYPE http_server_requests_seconds histogram\n");
        version(out, "v1", seconds, 0.002, new double[] {0.6, 0.9, 0.99, 1.0, 1.0});
        version(out, "v2-good", seconds, 0.002, new double[] {0.6, 0.9, 0.99, 1.0, 1.0});
        version(out, "v2-bad", seconds, 0.10, new double[] {0.1, 0.3, 0.7, 0.9, 1.0});
        return out.toString();
    }

    /**
     * One version's series: per status, cumulative buckets (shares of requests at most each bound),
     * count, sum.
     */
    private static void version(
            StringBuilder out,
            String version,
            double seconds,
            double errorRate,
            double[] shareBelow) {
        long total = (long) (50 * seconds);
        long errors = (long) (total * errorRate);
        for (String status : new String[] {"200", "500"}) {
            long count = "500".equals(status) ? errors : total - errors;
            String labels =
                    "service=\"checkout\",version=\"" + version + "\",status=\"" + status + "\"";
            for (int i = 0; i < LE.length; i++) {
                out.append("http_server_requests_seconds_bucket{")
                        .append(labels)
                        .append(",le=\"")
                        .append(LE[i])
                        .append("\"} ")
                        .append((long) (count * shareBelow[i]))
                        .append('\n');
            }
            out.append("http_server_requests_seconds_bucket{")
                    .append(labels)
                    .append(",le=\"+Inf\"} ")
                    .append(count)
                    .append('\n');
            out.append("http_server_requests_seconds_count{")
                    .append(labels)
                    .append("} ")
                    .append(count)
                    .append('\n');
            out.append("http_server_requests_seconds_sum{")
                    .append(labels)
                    .append("} ")
                    .append(count * 0.05)
                    .append('\n');
        }
    }
}
