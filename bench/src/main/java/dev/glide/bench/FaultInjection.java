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
 * would), the brokers restarted one by one, {@code kill -9} of the broker leading the most
 * partitions of a three-broker cluster, PostgreSQL stopped for 30 s and restarted at once, HAProxy
 * gone for 10 s, malformed records on every input topic. Then every rollout must end SUCCEEDED, and
 * the step log is checked against the gateway's read-backs on the broker: a step never confirmed is
 * lost, a step applied (not merely read back) twice is duplicated. Time to recover: from the fault
 * to the last affected rollout's next confirmed step.
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
            names = "--only",
            description = "Run only the faults whose name contains this text (default: all).")
    String only;

    @Option(
            names = "--brokers",
            defaultValue = "3",
            description =
                    "Kafka brokers in the quorum (default: ${DEFAULT-VALUE}: replication 3, min.insync.replicas 2).")
    int brokers;

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

    /** What was seen of the services' health while a fault lasted. */
    private final Map<String, Object> observed = new ConcurrentHashMap<>();

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
                            .brokers(brokers)
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
                            new Fault(
                                    brokers == 1
                                            ? "Kafka broker restarted"
                                            : "Kafka brokers restarted one by one",
                                    false,
                                    () -> glide.restartBroker()),
                            new Fault(
                                    "Kafka partition leader killed (kill -9), back after 15 s",
                                    false,
                                    this::killLeader),
                            new Fault(
                                    "PostgreSQL stopped for 30 s",
                                    false,
                                    () -> databaseDown(Duration.ofSeconds(30))),
                            new Fault(
                                    "PostgreSQL restarted (fast shutdown, start at once)",
                                    false,
                                    () -> databaseDown(Duration.ZERO)),
                            new Fault(
                                    "HAProxy unreachable for 10 s",
                                    true,
                                    () -> {
                                        haproxy.kill();
                                        Thread.sleep(10_000);
                                        haproxy.startAgain();
                                    }));
            for (Fault fault : faults) {
                if (only == null || fault.name().contains(only)) {
                    rows.put(fault.name(), run(fault, v1, v2));
                }
            }
            if (only == null || "malformed records on every input topic".contains(only)) {
                rows.put("malformed records on every input topic", malformed());
            }
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
                        + brokers
                        + " Kafka broker(s)"
                        + (brokers >= 3
                                ? " (replication factor 3, min.insync.replicas 2, producers acks=all and idempotent)"
                                : "")
                        + ", "
                        + rollouts
                        + " rollouts per fault (one through HAProxy"
                        + " for the gateway fault, the others through the no-op gateway), each 10 -> analysis or pause -> 50 -> 100 %");
        report.put(
                "definitions",
                Map.of(
                        "stepsLost", StepLedger.LOST,
                        "stepsDuplicated", StepLedger.DUPLICATED,
                        "recoverMs",
                                "from the fault to the last affected rollout's next step confirmed by the gateway",
                        "goodRecordsDeadLettered",
                                "records on any dead-letter topic while the fault lasted (every record sent then was good)",
                        "timersFiredTwice",
                                "pause or rollback-window timers a rollout's log shows firing more than once"));
        report.print();
        // a partial run (--only) does not replace the committed results of a whole one
        report.write(
                root.resolve(
                        only == null
                                ? "bench/results/fault-injection.json"
                                : "bench/target/fault-injection-partial.json"));
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
                                                && Long.valueOf(0)
                                                        .equals(
                                                                row.getOrDefault(
                                                                        "goodRecordsDeadLettered",
                                                                        0L))
                                                && Long.valueOf(0)
                                                        .equals(
                                                                row.getOrDefault(
                                                                        "timersFiredTwice", 0L))
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
        long deadLettersBefore = deadLetters();
        observed.clear();
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
        Map<String, Object> row = evaluate(ids, injected);
        long deadLettered = deadLetters() - deadLettersBefore;
        row.put("goodRecordsDeadLettered", deadLettered);
        row.putAll(observed);
        System.out.printf(
                "    good records dead-lettered %d%s%n",
                deadLettered, observed.isEmpty() ? "" : ", " + observed);
        return row;
    }

    /**
     * kill -9 of the broker that leads the most partitions of the topics steps travel on, back
     * after 15 s (its partitions' replicas on the other brokers take over meanwhile).
     */
    private void killLeader() throws Exception {
        Set<String> busiest =
                Set.of(
                        Topics.ROLLOUT_STEPS,
                        Topics.TRAFFIC_APPLIED,
                        Topics.ROLLOUT_EVENTS,
                        Topics.ANALYSIS_VERDICTS,
                        Topics.TRAFFIC_METRICS);
        Map<Integer, Integer> leaders = glide.kafka().leaders(busiest);
        int victim = leaders.keySet().iterator().next();
        System.out.printf(
                "    partition leaders by broker: %s; killing broker %d%n", leaders, victim);
        observed.put("brokerKilled", victim);
        observed.put("partitionsItLed", leaders.get(victim));
        glide.kafka().kill(victim);
        Thread.sleep(15_000);
        glide.kafka().startAgain(victim);
    }

    /**
     * PostgreSQL stopped (fast shutdown: every session cut) and started again after {@code down};
     * meanwhile every replica's readiness and liveness are sampled each second.
     */
    private void databaseDown(Duration down) throws Exception {
        Map<String, Boolean> readyDown = new LinkedHashMap<>();
        Map<String, Boolean> liveDown = new LinkedHashMap<>();
        glide.database().stop();
        Instant until = Instant.now().plus(down);
        do {
            for (var replica : glide.services()) {
                String who = replica.name() + "@" + replica.port();
                readyDown.merge(
                        who, health(replica.url() + "/q/health/ready") != 200, Boolean::logicalOr);
                liveDown.merge(
                        who, health(replica.url() + "/q/health/live") != 200, Boolean::logicalOr);
            }
            Thread.sleep(1000);
        } while (Instant.now().isBefore(until));
        glide.database().startAgain();
        if (!down.isZero()) {
            long notReady = readyDown.values().stream().filter(b -> b).count();
            long notLive = liveDown.values().stream().filter(b -> b).count();
            observed.put("replicasReportingNotReady", notReady + " of " + readyDown.size());
            observed.put("replicasReportingNotLive", notLive + " of " + liveDown.size());
            observed.put("readinessAsExpected", notReady == readyDown.size() && notLive == 0);
        }
    }

    private int health(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Records on every dead-letter topic now. */
    private long deadLetters() {
        long count = 0;
        for (String topic : INPUTS) {
            count += probe.readAll(Topics.DEAD_LETTER_PREFIX + topic, r -> true).size();
        }
        return count;
    }

    private Map<String, Object> evaluate(List<String> ids, Instant injected) throws Exception {
        StepLedger ledger = new StepLedger();
        long timersTwice = 0;
        long succeeded = 0;
        Instant recovered = injected;
        for (String id : ids) {
            succeeded += "SUCCEEDED".equals(state(id)) ? 1 : 0;
            Map<String, Integer> timers = new LinkedHashMap<>();
            for (JsonNode entry :
                    JSON.readTree(call("GET", "/api/rollouts/" + id + "/history", null))) {
                if (entry.path("type").asText().equals("STEP")) {
                    ledger.expect(id, entry.path("sequence").asLong());
                }
                JsonNode payload = entry.path("payload");
                if (entry.path("type").asText().equals("INPUT")
                        && payload.has("epoch")
                        && payload.has("stepIndex")) {
                    timers.merge(
                            payload.path("stepIndex").asInt() + "/" + payload.path("epoch").asInt(),
                            1,
                            Integer::sum);
                }
            }
            timersTwice += timers.values().stream().filter(n -> n > 1).count();
            List<TrafficApplied> reports =
                    probe.readAll(Topics.TRAFFIC_APPLIED, r -> id.equals(r.key())).stream()
                            .map(r -> codec.decode(r.value(), TrafficApplied.class))
                            .filter(a -> a.outcome() == TrafficApplied.Outcome.APPLIED)
                            .toList();
            reports.forEach(ledger::report);
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
        long lost = ledger.lost();
        long duplicated = ledger.duplicated();
        row.put("stepsLost", lost);
        row.put("stepsDuplicated", duplicated);
        row.put("timersFiredTwice", timersTwice);
        row.put("recoverMs", Duration.between(injected, recovered).toMillis());
        System.out.printf(
                "    %d of %d succeeded, steps lost %d, duplicated %d, timers fired twice %d, recovered in %d ms%n",
                succeeded,
                ids.size(),
                lost,
                duplicated,
                timersTwice,
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
     * healthy. Sent as a gateway sends them, without waiting, so a partition that has lost its
     * leader delays only its own rollouts' windows.
     */
    private void feedMetrics() {
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (String id : fed) {
            try {
                probe.sendWithoutWaiting(
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
                // the producer's buffer is full or it is closing: this second's window is lost,
                // as a gateway's would be
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

    private String call(String method, String path, String body) throws Exception {
        return BenchSystems.callAnyPlanner(http, glide, method, path, body);
    }
}
