package dev.glide.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.EventCodec;
import dev.glide.contract.LatencyHistogram;
import dev.glide.contract.Role;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficMetrics;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Faults while rollouts run, on real parts: two replicas of each of the four services (separate
 * JVMs, one consumer group per service, 6 partitions), a real Kafka broker and PostgreSQL, a real
 * HAProxy. For each fault a batch of rollouts is started and, once they are under way, the fault is
 * injected: {@code kill -9} of one replica of each service in turn (restarted as a supervisor
 * would), a broker restart, HAProxy gone for 10 s, malformed records on every input topic. Then
 * every rollout must end SUCCEEDED, and the step log is checked against the gateway's read-backs on
 * the broker: a step never confirmed is lost, a step applied (not merely read back) twice is
 * duplicated. Time to recover: from the fault to the last affected rollout's next confirmed step.
 */
@Command(name = "fault-injection", mixinStandardHelpOptions = true)
public final class FaultInjection implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANALYSED =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},"
                    + "{\"analysis\":{\"metrics\":[\"error-rate\"],\"interval\":\"2s\",\"count\":5}},"
                    + "{\"setWeight\":50},{\"pause\":{\"duration\":\"3s\"}},{\"setWeight\":100}]}";
    private static final String PAUSED =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{\"duration\":\"4s\"}},"
                    + "{\"setWeight\":50},{\"pause\":{\"duration\":\"4s\"}},{\"setWeight\":100}]}";
    private static final List<String> INPUTS =
            List.of(
                    Topics.RELEASE_EVENTS,
                    Topics.ROLLOUT_STEPS,
                    Topics.TRAFFIC_APPLIED,
                    Topics.TRAFFIC_METRICS,
                    Topics.ANALYSIS_VERDICTS,
                    Topics.ROLLOUT_COMMANDS,
                    Topics.ROLLOUT_EVENTS);

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(
            names = "--rollouts",
            defaultValue = "6",
            description = "Rollouts running during each fault (default: ${DEFAULT-VALUE}).")
    int rollouts;

    private EventCodec codec;
    private GlideSystem glide;
    private TopicProbe probe;
    private HaproxyProcess haproxy;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Rollouts whose analysis needs windows: a stand-in gateway reports healthy traffic for them
     * every second.
     */
    private final Set<String> fed = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultInjection()).execute(args));
    }

    /** One fault: what it does, and whether one of its rollouts goes through HAProxy. */
    private record Fault(String name, boolean throughHaproxy, Injection injection) {}

    @FunctionalInterface
    private interface Injection {
        void inject() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        Path data = Files.createTempDirectory("glide-faults");
        BenchReport report = new BenchReport("fault-injection");
        Map<String, Object> rows = new LinkedHashMap<>();
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
        try (UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2")) {
            GlideSystem.Builder builder =
                    GlideSystem.builder(root)
                            .dataDir(data)
                            .partitions(6)
                            // the gateway is retried for ~12 s before a step fails, so a 10 s
                            // outage is ridden out
                            .set("traffic-service", "glide.traffic.retry.attempts", "8")
                            .set("traffic-service", "glide.traffic.retry.max-backoff", "3s")
                            .set("traffic-service", "glide.traffic.reconcile-interval", "2s")
                            .set("analysis-service", "glide.analysis.min-requests", "20")
                            .set("analysis-service", "glide.analysis.min-window-requests", "10");
            for (String service : GlideSystem.SERVICES) {
                builder.replicas(service, 2);
            }
            glide = builder.start();
            haproxy = HaproxyProcess.start(data.resolve("haproxy"), v1.port(), v2.port());
            probe = new TopicProbe(glide.bootstrapServers());
            feeder.scheduleAtFixedRate(this::feedMetrics, 0, 1, TimeUnit.SECONDS);
            List<Fault> faults =
                    List.of(
                            crash("planner-service"),
                            crash("traffic-service"),
                            crash("analysis-service"),
                            crash("notifier-service"),
                            new Fault("Kafka broker restarted", false, () -> glide.restartBroker()),
                            new Fault(
                                    "HAProxy unreachable for 10 s",
                                    true,
                                    () -> {
                                        haproxy.kill();
                                        Thread.sleep(10_000);
                                        haproxy.startAgain();
                                    }));
            for (Fault fault : faults) {
                rows.put(fault.name(), run(fault, v1, v2));
            }
            rows.put("malformed records on every input topic", malformed());
        } finally {
            feeder.shutdownNow();
            if (haproxy != null) {
                haproxy.close();
            }
            if (glide != null) {
                glide.close();
            }
        }
        report.put("faults", rows);
        report.put(
                "setup",
                "2 replicas of each service, 6 partitions, "
                        + rollouts
                        + " rollouts per fault (one through HAProxy"
                        + " for the gateway fault, the others through the no-op gateway), each 10 -> analysis or pause -> 50 -> 100 %");
        report.put(
                "definitions",
                Map.of(
                        "stepsLost", "steps in a rollout's log the gateway never confirmed",
                        "stepsDuplicated",
                                "steps the traffic service applied (not merely read back and reported again) more than once",
                        "recoverMs",
                                "from the fault to the last affected rollout's next step confirmed by the gateway"));
        report.print();
        report.write(root.resolve("bench/results/fault-injection.json"));
        boolean clean =
                rows.values().stream()
                        .map(Map.class::cast)
                        .allMatch(
                                row ->
                                        Long.valueOf(0).equals(row.getOrDefault("stepsLost", 0L))
                                                && Long.valueOf(0)
                                                        .equals(
                                                                row.getOrDefault(
                                                                        "stepsDuplicated", 0L))
                                                && !Boolean.FALSE.equals(row.get("asExpected")));
        return clean ? 0 : 1;
    }

    /**
     * kill -9 of a service's first replica, started again as a supervisor would once it noticed.
     */
    private Fault crash(String service) {
        return new Fault(
                service + " replica killed (kill -9)",
                false,
                () -> {
                    glide.kill(service, 0);
                    glide.restart(service, 0);
                });
    }

    private Map<String, Object> run(Fault fault, UpstreamServer v1, UpstreamServer v2)
            throws Exception {
        String prefix = "f" + Long.toString(System.nanoTime(), 36) + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rollouts; i++) {
            boolean viaHaproxy = fault.throughHaproxy() && i == 0;
            String service = prefix + i;
            Map<String, Object> gateway =
                    viaHaproxy
                            ? Map.of(
                                    "adapter",
                                    "haproxy",
                                    "route",
                                    HaproxyProcess.BACKEND,
                                    "stableTarget",
                                    "stable",
                                    "canaryTarget",
                                    "canary",
                                    "address",
                                    haproxy.runtimeApi())
                            : Map.of("adapter", "noop", "route", service);
            String stable = viaHaproxy ? v1.endpoint() : "http://127.0.0.1:1";
            call(
                    "PUT",
                    "/api/services/" + service,
                    "{\"team\":\"faults\",\"gateway\":"
                            + JSON.writeValueAsString(gateway)
                            + ",\"stable\":{\"version\":\"v1\",\"endpoints\":[\""
                            + stable
                            + "\"]},\"strategy\":"
                            + (viaHaproxy ? PAUSED : ANALYSED)
                            + "}");
            String id =
                    JSON.readTree(
                                    call(
                                            "POST",
                                            "/api/releases",
                                            "{\"service\":\""
                                                    + service
                                                    + "\",\"version\":\"v2\","
                                                    + "\"environment\":\"faults\",\"endpoints\":[\""
                                                    + (viaHaproxy
                                                            ? v2.endpoint()
                                                            : "http://127.0.0.1:2")
                                                    + "\"]}"))
                            .path("rolloutId")
                            .asText();
            ids.add(id);
            if (!viaHaproxy) {
                fed.add(id);
            }
        }
        // under way: every rollout has its first step confirmed
        await().atMost(Duration.ofMinutes(2))
                .until(() -> ids.stream().allMatch(id -> step(id) >= 2));
        Instant injected = Instant.now();
        System.out.printf("  %s: injecting at %s%n", fault.name(), injected);
        fault.injection().inject();
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () ->
                                    ids.stream()
                                            .allMatch(
                                                    id ->
                                                            Set.of("SUCCEEDED", "ABORTED", "FAILED")
                                                                    .contains(state(id))));
        } catch (ConditionTimeoutException stuck) {
            ids.forEach(
                    id ->
                            System.out.printf(
                                    "    rollout %s is %s after 3 minutes%n", id, state(id)));
        }
        fed.removeAll(ids);
        return evaluate(ids, injected);
    }

    private Map<String, Object> evaluate(List<String> ids, Instant injected) throws Exception {
        long lost = 0;
        long duplicated = 0;
        long succeeded = 0;
        Instant recovered = injected;
        for (String id : ids) {
            succeeded += "SUCCEEDED".equals(state(id)) ? 1 : 0;
            List<Long> steps = new ArrayList<>();
            for (JsonNode entry :
                    JSON.readTree(call("GET", "/api/rollouts/" + id + "/history", null))) {
                if (entry.path("type").asText().equals("STEP")) {
                    steps.add(entry.path("sequence").asLong());
                }
            }
            List<TrafficApplied> reports =
                    probe.readAll(Topics.TRAFFIC_APPLIED, r -> id.equals(r.key())).stream()
                            .map(r -> codec.decode(r.value(), TrafficApplied.class))
                            .filter(a -> a.outcome() == TrafficApplied.Outcome.APPLIED)
                            .toList();
            for (long step : steps) {
                List<TrafficApplied> confirmations =
                        reports.stream().filter(a -> a.sequence() == step).toList();
                lost += confirmations.isEmpty() ? 1 : 0;
                // a re-read is marked (already applied); a correction after drift re-applies on
                // purpose and says so
                duplicated +=
                        confirmations.stream().filter(a -> a.reason() == null).count() > 1 ? 1 : 0;
            }
            Instant firstAfter =
                    reports.stream()
                            .map(TrafficApplied::appliedAt)
                            .filter(at -> at.isAfter(injected))
                            .min(Instant::compareTo)
                            .orElse(injected);
            recovered = firstAfter.isAfter(recovered) ? firstAfter : recovered;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rolloutsAffected", ids.size());
        row.put("succeeded", succeeded);
        row.put("asExpected", succeeded == ids.size());
        row.put("stepsLost", lost);
        row.put("stepsDuplicated", duplicated);
        row.put("recoverMs", Duration.between(injected, recovered).toMillis());
        System.out.printf(
                "    %d of %d succeeded, steps lost %d, duplicated %d, recovered in %d ms%n",
                succeeded,
                ids.size(),
                lost,
                duplicated,
                Duration.between(injected, recovered).toMillis());
        return row;
    }

    /**
     * A record no consumer can read on each input topic: each must reach its dead-letter topic,
     * unchanged.
     */
    private Map<String, Object> malformed() {
        String marker =
                "{\"not\": \"an event\", \"marker\": \""
                        + Long.toString(System.nanoTime(), 36)
                        + "\"}";
        for (String topic : INPUTS) {
            probe.send(topic, "malformed", marker);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("recordsSent", INPUTS.size());
        Instant sent = Instant.now();
        long deadLettered = 0;
        for (String topic : INPUTS) {
            try {
                // rollout-events has two consumers (analysis, notifier): both dead-letter it on the
                // one dead-letter topic
                probe.awaitRecord(
                        Topics.DEAD_LETTER_PREFIX + topic,
                        Duration.ofSeconds(60),
                        r -> marker.equals(r.value()));
                deadLettered++;
            } catch (RuntimeException e) {
                System.out.printf(
                        "    %s: the malformed record did not reach its dead-letter topic%n",
                        topic);
            }
        }
        row.put("deadLettered", deadLettered);
        row.put("asExpected", deadLettered == INPUTS.size());
        row.put("stepsLost", 0L);
        row.put("stepsDuplicated", 0L);
        row.put("recoverMs", Duration.between(sent, Instant.now()).toMillis());
        System.out.printf(
                "  malformed records: %d of %d on their dead-letter topics%n",
                deadLettered, INPUTS.size());
        return row;
    }

    /**
     * What a gateway would report each second for the rollouts under analysis: both versions
     * healthy.
     */
    private void feedMetrics() {
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (String id : fed) {
            try {
                probe.send(
                        Topics.TRAFFIC_METRICS,
                        id,
                        codec.encode(
                                new TrafficMetrics(
                                        TrafficMetrics.SCHEMA_VERSION,
                                        id,
                                        "faults",
                                        second.minusMillis(900),
                                        second.minusMillis(100),
                                        "embedded",
                                        List.of(
                                                new TrafficMetrics.VersionWindow(
                                                        Role.STABLE, "v1", 90, 0, latency(90)),
                                                new TrafficMetrics.VersionWindow(
                                                        Role.CANARY, "v2", 10, 0, latency(10))))));
            } catch (RuntimeException e) {
                // the broker is restarting: this second's window is lost, as a gateway's would be
            }
        }
    }

    private static LatencyHistogram latency(long requests) {
        return new LatencyHistogram(
                List.of(25.0, 50.0, 100.0),
                List.of(requests * 7 / 10, requests - requests * 7 / 10, 0L, 0L));
    }

    private int step(String id) {
        try {
            return JSON.readTree(call("GET", "/api/rollouts/" + id, null)).path("step").asInt();
        } catch (Exception e) {
            return 0;
        }
    }

    private String state(String id) {
        try {
            return JSON.readTree(call("GET", "/api/rollouts/" + id, null)).path("state").asText();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** A call to any live planner replica (one may be down on purpose). */
    private String call(String method, String path, String body) throws Exception {
        Exception last = null;
        for (var planner : glide.replicas("planner-service")) {
            try {
                HttpRequest.Builder request =
                        HttpRequest.newBuilder(URI.create(planner.url() + path))
                                .timeout(Duration.ofSeconds(10))
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
