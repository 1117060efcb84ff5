package dev.glide.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP service standing in for one version of an application behind a gateway (and the
 * local demo's application): answers every path with its version (body and {@value
 * #VERSION_HEADER}), and can be told to fail a share of requests with 500 or to answer more slowly.
 */
public final class UpstreamServer implements AutoCloseable {

    public static final String VERSION_HEADER = "X-Upstream-Version";

    /** How an application tells Glide's gateway that a request reached a goal. */
    public static final String GOAL_HEADER = "X-Glide-Goal";

    static {
        // Without TCP_NODELAY the JDK's server waits on Nagle's algorithm: ~40 ms per kept-alive
        // request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String version;
    private final AtomicLong served = new AtomicLong();
    private volatile double errorRate;
    private volatile long extraLatencyMillis;
    private volatile String goalPath;
    private volatile String goal;
    private volatile double goalRate;

    private UpstreamServer(String version, int port) throws IOException {
        this.version = version;
        this.server =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        this.executor = Executors.newFixedThreadPool(64);
        server.setExecutor(executor);
        server.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        served.incrementAndGet();
                        if (extraLatencyMillis > 0) {
                            try {
                                Thread.sleep(extraLatencyMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        boolean fail =
                                errorRate > 0
                                        && ThreadLocalRandom.current().nextDouble() < errorRate;
                        byte[] body = (version + "\n").getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().set(VERSION_HEADER, version);
                        String marked = goal;
                        if (marked != null
                                && exchange.getRequestURI().getPath().contains(goalPath)
                                && (goalRate >= 1
                                        || ThreadLocalRandom.current().nextDouble() < goalRate)) {
                            exchange.getResponseHeaders().set(GOAL_HEADER, marked);
                        }
                        exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                });
        server.start();
    }

    public static UpstreamServer start(String version) {
        return start(version, 0);
    }

    /** Starts on a given port (0: any free one). */
    public static UpstreamServer start(String version, int port) {
        try {
            return new UpstreamServer(version, port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start upstream " + version, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port}: an endpoint for a rollout step's backend. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public String version() {
        return version;
    }

    public long served() {
        return served.get();
    }

    /** The share of requests, 0 to 1, answered with 500 from now on. */
    public void failRate(double rate) {
        this.errorRate = rate;
    }

    /**
     * From now on, answers to requests whose path contains {@code path} mark {@code goalName} as
     * reached (the {@value #GOAL_HEADER} header) with chance {@code rate}: a version that converts.
     */
    public void goal(String path, String goalName, double rate) {
        this.goalPath = path;
        this.goalRate = rate;
        this.goal = goalName;
    }

    /** Extra time every answer takes from now on. */
    public void extraLatency(Duration latency) {
        this.extraLatencyMillis = latency.toMillis();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
