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
 * alike (0.2 % errors, fast), {@code v2-bad} with 10 % errors and slower answers, {@code v2-laggy}
 * as healthy as {@code v1} on requests but with a queue lag ({@code queue_lag_seconds}, a gauge
 * every version has) four times as long. For experiments, every version counts sessions (50 a
 * second) and the orders among them ({@code shop_orders_total}): 10 % of sessions on {@code v1}, 20
 * % on {@code v2-good}.
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
            return Map.of(
                    "glide.analysis.prometheus.goals.checkout.numerator",
                    "sum(increase(shop_orders_total{service=\"{{service}}\",version=\"{{version}}\"}[{{since}}]))",
                    "glide.analysis.prometheus.goals.checkout.denominator",
                    "sum(increase(shop_sessions_total{service=\"{{service}}\",version=\"{{version}}\"}[{{since}}]))",
                    "glide.analysis.prometheus.url",
                    prometheus.url(),
                    "glide.analysis.prometheus.queries.queue-lag",
                    "max(queue_lag_seconds{service=\"{{service}}\",version=\"{{version}}\"})",
                    "glide.analysis.comparisons.queue-lag.direction",
                    "increase");
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
        version(out, "v2-laggy", seconds, 0.002, new double[] {0.6, 0.9, 0.99, 1.0, 1.0});
        out.append("# TYPE shop_sessions_total counter\n# TYPE shop_orders_total counter\n");
        for (String version : new String[] {"v1", "v2-good"}) {
            long sessions = (long) (50 * seconds);
            long orders = (long) (sessions * (version.equals("v1") ? 0.10 : 0.20));
            String labels = "{service=\"checkout\",version=\"" + version + "\"}";
            out.append("shop_sessions_total")
                    .append(labels)
                    .append(' ')
                    .append(sessions)
                    .append('\n');
            out.append("shop_orders_total").append(labels).append(' ').append(orders).append('\n');
        }
        out.append("# TYPE queue_lag_seconds gauge\n");
        String[] versions = {"v1", "v2-good", "v2-bad", "v2-laggy"};
        for (int i = 0; i < versions.length; i++) {
            double lag = versions[i].equals("v2-laggy") ? 0.8 : 0.2;
            // a little movement, different per version, so no two points tie
            double wobble = 0.05 * Math.sin(seconds * 1.3 + i) + 0.02 * Math.sin(seconds * 4.1);
            out.append("queue_lag_seconds{service=\"checkout\",version=\"")
                    .append(versions[i])
                    .append("\"} ")
                    .append(lag + wobble)
                    .append('\n');
        }
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
