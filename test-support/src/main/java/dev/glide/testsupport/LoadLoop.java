package dev.glide.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Clients sending requests through a gateway while a test changes it (without pause, or paced),
 * counting what a user would: requests sent, requests failed (an error status or no answer, with
 * the first few reasons), and which version answered ({@code X-Glide-Version} or {@code
 * X-Upstream-Version}). A failure is the gateway's unless a version itself answered it with its own
 * 5xx (a bad canary's errors are the canary's, not the rollout machinery's).
 */
public final class LoadLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong gatewayFailed = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> gatewayFailures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> byVersion = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    private LoadLoop(
            URI target, int clients, Duration pacing, Consumer<HttpRequest.Builder> decorate) {
        this(target, clients, pacing, null, decorate);
    }

    private LoadLoop(
            URI target,
            int clients,
            Duration pacing,
            Duration perClient,
            Consumer<HttpRequest.Builder> decorate) {
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        for (int i = 0; i < clients; i++) {
            Thread thread =
                    new Thread(
                            () -> {
                                long[] next = {System.nanoTime()};
                                while (running.get()) {
                                    HttpRequest.Builder request =
                                            HttpRequest.newBuilder(target)
                                                    .timeout(Duration.ofSeconds(10));
                                    decorate.accept(request);
                                    sent.incrementAndGet();
                                    try {
                                        HttpResponse<String> response = send(http, request);
                                        String version =
                                                response.headers()
                                                        .firstValue("X-Glide-Version")
                                                        .or(
                                                                () ->
                                                                        response.headers()
                                                                                .firstValue(
                                                                                        UpstreamServer
                                                                                                .VERSION_HEADER))
                                                        .orElse("?");
                                        byVersion
                                                .computeIfAbsent(version, v -> new AtomicLong())
                                                .incrementAndGet();
                                        if (response.statusCode() >= 400) {
                                            boolean ownError =
                                                    response.statusCode() >= 500
                                                            && response.headers()
                                                                    .firstValue(
                                                                            UpstreamServer
                                                                                    .VERSION_HEADER)
                                                                    .isPresent();
                                            fail(
                                                    "HTTP "
                                                            + response.statusCode()
                                                            + " from "
                                                            + version,
                                                    !ownError);
                                        }
                                        if (!pacing.isZero()) {
                                            Thread.sleep(pacing.toMillis());
                                        }
                                        if (perClient != null) {
                                            // a fixed rate: the next request at its slot, however
                                            // long this one took (at once when behind)
                                            long wait = next[0] - System.nanoTime();
                                            next[0] += perClient.toNanos();
                                            if (wait > 0) {
                                                Thread.sleep(
                                                        wait / 1_000_000, (int) (wait % 1_000_000));
                                            } else if (-wait > perClient.toNanos() * 10) {
                                                next[0] = System.nanoTime(); // far behind: no burst
                                                // to catch up
                                            }
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        return;
                                    } catch (Exception e) {
                                        fail(e.toString(), true);
                                    }
                                }
                            },
                            "load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Sends once more when a kept-alive connection was closed before any byte of the answer came
     * back, as browsers and Go's client do for idempotent requests (RFC 9112, 9.3.1): the server
     * closed an idle connection while the request was on its way, which no user notices. Any other
     * failure, or a second one, counts.
     */
    private HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (!closedBeforeAnswer(e) || !built.method().equals("GET")) {
                throw e;
            }
            retried.incrementAndGet();
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static boolean closedBeforeAnswer(IOException e) {
        return String.valueOf(e.getMessage()).contains("received no bytes");
    }

    /** Requests sent again after a kept-alive connection closed before answering. */
    public long retried() {
        return retried.get();
    }

    public static LoadLoop start(URI target, int clients) {
        return new LoadLoop(target, clients, Duration.ZERO, request -> {});
    }

    /** Clients that wait {@code pacing} after each answer: a light, steady load. */
    public static LoadLoop paced(URI target, int clients, Duration pacing) {
        return new LoadLoop(target, clients, pacing, request -> {});
    }

    /**
     * {@code rate} requests a second in all, from {@code clients} clients each keeping its own
     * fixed schedule: a steady load that does not slow down when answers do (as long as the clients
     * can keep up).
     */
    public static LoadLoop atRate(URI target, int clients, int rate) {
        return new LoadLoop(
                target,
                clients,
                Duration.ZERO,
                Duration.ofNanos(1_000_000_000L * clients / rate),
                request -> {});
    }

    public static LoadLoop start(URI target, int clients, Consumer<HttpRequest.Builder> decorate) {
        return new LoadLoop(target, clients, Duration.ZERO, decorate);
    }

    private void fail(String reason, boolean byGateway) {
        failed.incrementAndGet();
        if (byGateway) {
            gatewayFailed.incrementAndGet();
            if (gatewayFailures.size() < 10) {
                gatewayFailures.add(Instant.now() + " " + reason);
            }
        }
        if (failures.size() < 10 && (byGateway || failures.size() < 5)) {
            failures.add(reason);
        }
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    /**
     * Failures not answered by a version's own 5xx: refused connections, no route, the gateway's
     * 502/503/504.
     */
    public long gatewayFailed() {
        return gatewayFailed.get();
    }

    /** The first requests the gateway failed (not the versions' own errors), with when. */
    public List<String> gatewayFailures() {
        return List.copyOf(gatewayFailures);
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Answers per version so far. */
    public Map<String, Long> byVersion() {
        Map<String, Long> counts = new TreeMap<>();
        byVersion.forEach((version, count) -> counts.put(version, count.get()));
        return counts;
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
