package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.GateTest;
import dev.glide.contract.MatchRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The requests of a smoke or load test: where they go (the gateway address the test names, with the
 * route's canary match rules as headers and cookies, or straight to the canary's endpoints in
 * turn), what they are, what a right answer is, and the tally a finding is made of (sent, failed,
 * latency p50/p99, the first failures).
 */
final class TestRequests {

    /** Failures a finding names. */
    static final int FIRST_FAILURES = 5;

    private static final int KEPT_CHARS = 2_000;

    private final HttpClient http;
    private final Gate gate;
    private final GateTest test;
    private final List<URI> targets;
    private final Map<String, String> headers;

    TestRequests(HttpClient http, Gate gate, GateTargets where) {
        this.http = http;
        this.gate = gate;
        this.test = gate.test();
        this.targets = targets(test, where);
        this.headers = headers(test, where);
    }

    /** Whether the requests go through a gateway (which counts them) rather than to endpoints. */
    boolean throughGateway() {
        return test.url() != null;
    }

    boolean hasTargets() {
        return !targets.isEmpty();
    }

    /** Request {@code i}, sent; the answer says how it went. */
    CompletableFuture<Answer> send(long i) {
        URI target = targets.get((int) (i % targets.size()));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(target).timeout(gate.timeoutDuration());
        headers.forEach(request::header);
        request.method(
                test.method(),
                test.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(test.body(), StandardCharsets.UTF_8));
        long started = System.nanoTime();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle(
                        (response, error) -> {
                            long nanos = System.nanoTime() - started;
                            if (error != null) {
                                Throwable cause =
                                        error.getCause() == null ? error : error.getCause();
                                return new Answer(0, nanos, target + ": no answer (" + cause + ")");
                            }
                            return new Answer(
                                    response.statusCode(), nanos, problem(target, response));
                        });
    }

    private String problem(URI target, HttpResponse<String> response) {
        if (!test.expects(response.statusCode())) {
            String body = response.body() == null ? "" : response.body().strip();
            return target
                    + " answered "
                    + response.statusCode()
                    + (test.expectStatus() == null
                            ? " (expected 2xx)"
                            : " (expected " + test.expectStatus() + ")")
                    + (body.isEmpty() ? "" : ": " + cut(body, 200));
        }
        if (test.bodyContains() != null) {
            String body = response.body() == null ? "" : response.body();
            if (!body.substring(0, Math.min(body.length(), 1 << 20))
                    .contains(test.bodyContains())) {
                return target
                        + " answered "
                        + response.statusCode()
                        + " without '"
                        + test.bodyContains()
                        + "' in its body: "
                        + cut(body.strip(), 200);
            }
        }
        return null;
    }

    private static String cut(String text, int chars) {
        return text.length() > chars ? text.substring(0, chars) + "..." : text;
    }

    private static List<URI> targets(GateTest test, GateTargets where) {
        List<String> bases =
                test.url() != null
                        ? List.of(test.url())
                        : where == null || where.canary() == null
                                ? List.of()
                                : where.canary().endpoints();
        List<URI> uris = new ArrayList<>();
        for (String base : bases) {
            String root = base.contains("://") ? base : "http://" + base;
            while (root.endsWith("/")) {
                root = root.substring(0, root.length() - 1);
            }
            uris.add(URI.create(root + test.path()));
        }
        return List.copyOf(uris);
    }

    /** The test's headers, and through a gateway the canary's match rules as headers/cookies. */
    private static Map<String, String> headers(GateTest test, GateTargets where) {
        Map<String, String> headers = new LinkedHashMap<>(test.headers());
        if (test.url() != null && where != null) {
            List<String> cookies = new ArrayList<>();
            for (MatchRule rule : where.canaryRules()) {
                if (rule.kind() == MatchRule.Kind.HEADER) {
                    headers.put(rule.name(), rule.value());
                } else {
                    cookies.add(rule.name() + "=" + rule.value());
                }
            }
            if (!cookies.isEmpty()) {
                String before = headers.get("Cookie");
                headers.put(
                        "Cookie",
                        (before == null ? "" : before + "; ") + String.join("; ", cookies));
            }
        }
        if (test.body() != null
                && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.put("Content-Type", "application/json");
        }
        return Map.copyOf(headers);
    }

    /** One answer: its status (0 when none came), how long it took, what was wrong with it. */
    record Answer(int status, long nanos, String problem) {

        boolean right() {
            return problem == null;
        }
    }

    /** What a test's requests came to so far. */
    static final class Tally {
        private long sent;
        private long failed;
        private double[] latencies = new double[64];
        private int answered;
        private final List<String> firstFailures = new ArrayList<>();

        synchronized void add(Answer answer) {
            sent++;
            if (!answer.right()) {
                failed++;
                if (firstFailures.size() < FIRST_FAILURES) {
                    firstFailures.add("#" + sent + " " + cut(answer.problem(), KEPT_CHARS));
                }
            }
            if (answer.status() > 0) {
                if (answered == latencies.length) {
                    latencies = Arrays.copyOf(latencies, answered * 2);
                }
                latencies[answered++] = answer.nanos() / 1_000_000.0;
            }
        }

        synchronized long sent() {
            return sent;
        }

        synchronized long failed() {
            return failed;
        }

        /** The finding of a test that passes or fails as {@code status} says. */
        synchronized Finding finding(Gate gate, Status status, String what) {
            double[] sorted = Arrays.copyOf(latencies, answered);
            Arrays.sort(sorted);
            String detail =
                    String.format(
                            "%s test %s (%s): %s; %d sent, %d failed, latency p50 %s / p99 %s"
                                    + (firstFailures.isEmpty() ? "" : "; first failures: %s"),
                            gate.kind(),
                            gate.name(),
                            gate.phase(),
                            what,
                            sent,
                            failed,
                            millis(sorted, 0.50),
                            millis(sorted, 0.99),
                            firstFailures.stream().collect(Collectors.joining("; ")));
            return GateOutcome.finding(
                    gate.name(),
                    gate.kind() + "-test",
                    sent == 0 ? null : (double) failed / sent,
                    (double) sent,
                    status == Status.PASS,
                    detail,
                    status);
        }

        private static String millis(double[] sorted, double quantile) {
            if (sorted.length == 0) {
                return "-";
            }
            int at = (int) Math.ceil(quantile * sorted.length) - 1;
            return String.format("%.1f ms", sorted[Math.max(0, Math.min(at, sorted.length - 1))]);
        }
    }

    static Duration spacing(double rate) {
        return Duration.ofNanos((long) (1_000_000_000L / rate));
    }
}
