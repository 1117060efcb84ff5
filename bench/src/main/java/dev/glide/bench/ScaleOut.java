package dev.glide.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.ServiceProcess;
import dev.glide.testsupport.TopicProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput with 1, 2 and 3 replicas of the planner and of the traffic service, each set in one
 * consumer group on a real broker (6 partitions) and PostgreSQL: a burst of {@code --rollouts}
 * releases, spread over the planner replicas' APIs, each walking 10 -> 50 -> 100 % and its
 * promotion through the traffic service (no-op gateway, so the services' own work is what is
 * measured). Reports rollouts completed per minute and per CPU-second of the planner and traffic
 * processes (from /proc; every replica shares the machine's cores, so per CPU-second is the figure
 * that says whether the design scales), the planner's step latency (the gateway's confirmation ->
 * the next step) and the traffic service's (a step -> its confirmation), p50/p99, and steps lost or
 * applied twice, from the records on the broker.
 */
@Command(name = "scale-out", mixinStandardHelpOptions = true)
public final class ScaleOut implements Callable<Integer> {

    private static final String STRATEGY =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"setWeight\":50},{\"setWeight\":100}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(
            names = "--replicas",
            split = ",",
            defaultValue = "1,2,3",
            description = "Replica counts to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> replicaCounts;

    @Option(
            names = "--rollouts",
            defaultValue = "300",
            description = "Releases in each burst (default: ${DEFAULT-VALUE}).")
    int rollouts;

    @Option(
            names = "--warm-up",
            defaultValue = "1",
            description =
                    "Bursts run first at each replica count, right after the services start, and"
                            + " reported apart (afterStart): their code is still cold, and compiling it"
                            + " costs every replica the same CPU whatever the load.")
    int warmUp;

    private EventCodec codec;
    private final HttpClient http =
            HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleOut()).execute(args));
    }

    void init() {
        codec = BenchCodec.create();
    }

    @Override
    public Integer call() throws Exception {
        init();
        BenchReport report = new BenchReport("scale-out");
        Map<String, Object> rows = new LinkedHashMap<>();
        boolean clean = true;
        for (int replicas : replicaCounts) {
            Map<String, Object> row = measure(replicas);
            clean &=
                    ((Number) row.get("stepsLost")).longValue() == 0
                            && ((Number) row.get("stepsDuplicated")).longValue() == 0;
            rows.put(replicas + " planner + " + replicas + " traffic", row);
        }
        report.put("results", rows);
        report.put(
                "workload",
                rollouts
                        + " releases at once, each 10 -> 50 -> 100 % and promotion (4 steps), no-op gateway;"
                        + " 6 partitions per topic; planner and traffic replicas with a 384 MB heap each");
        report.print();
        report.write(root.resolve("bench/results/scale-out.json"));
        return clean ? 0 : 1;
    }

    Map<String, Object> measure(int replicas) throws Exception {
        Path data = Files.createTempDirectory("glide-scale-out");
        try (GlideSystem glide =
                        GlideSystem.builder(root)
                                .dataDir(data)
                                .partitions(6)
                                .only("planner-service", "traffic-service")
                                .replicas("planner-service", replicas)
                                .replicas("traffic-service", replicas)
                                .setAll("quarkus.log.level", "WARN")
                                .start();
                TopicProbe probe = new TopicProbe(glide.bootstrapServers())) {
            List<String> planners =
                    glide.replicas("planner-service").stream().map(ServiceProcess::url).toList();
            Map<String, Object> afterStart = null;
            for (int round = 0; round < warmUp; round++) {
                Map<String, Object> cold = burst(glide, probe, planners, replicas, round);
                afterStart = afterStart == null ? cold : afterStart;
            }
            Map<String, Object> row = burst(glide, probe, planners, replicas, warmUp);
            if (afterStart != null) {
                row.put("afterStart", afterStart);
            }
            return row;
        }
    }

    /** One burst of releases of services registered for it, measured. */
    private Map<String, Object> burst(
            GlideSystem glide, TopicProbe probe, List<String> planners, int replicas, int round)
            throws Exception {
        String prefix =
                "scale-"
                        + replicas
                        + "-"
                        + round
                        + "-"
                        + Long.toString(System.nanoTime(), 36)
                        + "-";
        List<CompletableFuture<String>> registered = new ArrayList<>();
        for (int i = 0; i < rollouts; i++) {
            registered.add(
                    send(
                            "PUT",
                            planners.get(i % planners.size()) + "/api/services/" + prefix + i,
                            "{\"team\":\"bench\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r"
                                    + i
                                    + "\"},"
                                    + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:1\"]},\"strategy\":"
                                    + STRATEGY
                                    + "}"));
        }
        CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).join();

        List<Long> pids = glide.services().stream().map(ServiceProcess::pid).toList();
        double cpuBefore = Cpu.seconds(pids);
        Instant start = Instant.now();
        List<CompletableFuture<String>> released = new ArrayList<>();
        for (int i = 0; i < rollouts; i++) {
            released.add(
                    send(
                            "POST",
                            planners.get(i % planners.size()) + "/api/releases",
                            "{\"service\":\""
                                    + prefix
                                    + i
                                    + "\",\"version\":\"v2\",\"environment\":\"bench\",\"endpoints\":[\"http://127.0.0.1:2\"]}"));
        }
        CompletableFuture.allOf(released.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> succeeded(planners.get(0), prefix) >= rollouts);
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double cpuSeconds = Cpu.seconds(pids) - cpuBefore;

        // what the broker saw: every step and every read-back of this burst's rollouts
        List<String> ids = released.stream().map(CompletableFuture::join).toList();
        Set<String> mine = new HashSet<>(ids);
        List<RolloutStep> steps =
                probe.readAll(Topics.ROLLOUT_STEPS, r -> mine.contains(r.key())).stream()
                        .map(r -> codec.decode(r.value(), RolloutStep.class))
                        .toList();
        List<TrafficApplied> applied =
                probe.readAll(Topics.TRAFFIC_APPLIED, r -> mine.contains(r.key())).stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .filter(a -> a.outcome() == TrafficApplied.Outcome.APPLIED)
                        .toList();
        Map<String, Object> row = row(replicas, seconds, steps, applied);
        row.put("serviceCpuSeconds", Latencies.round(cpuSeconds));
        row.put("rolloutsPerCpuSecond", Latencies.round(rollouts / cpuSeconds));
        return row;
    }

    private Map<String, Object> row(
            int replicas, double seconds, List<RolloutStep> steps, List<TrafficApplied> applied) {
        Map<String, List<TrafficApplied>> appliedByStep =
                applied.stream()
                        .collect(Collectors.groupingBy(a -> a.rolloutId() + "/" + a.sequence()));
        Map<String, RolloutStep> firstOfEach = new HashMap<>();
        steps.forEach(
                step -> firstOfEach.putIfAbsent(step.rolloutId() + "/" + step.sequence(), step));
        long lost =
                firstOfEach.keySet().stream()
                        .filter(key -> !appliedByStep.containsKey(key))
                        .count();
        // applied twice: more than one report of a first application (a re-read after a redelivery
        // says so, and is not)
        long duplicated =
                appliedByStep.values().stream()
                        .filter(
                                reports ->
                                        reports.stream().filter(a -> a.reason() == null).count()
                                                > 1)
                        .count();
        long reread =
                applied.stream()
                        .filter(a -> a.reason() != null && a.reason().startsWith("already applied"))
                        .count();
        long drift =
                applied.stream()
                        .filter(a -> a.reason() != null && a.reason().startsWith("drift corrected"))
                        .count();

        Latencies traffic = new Latencies();
        Latencies planner = new Latencies();
        Map<String, List<RolloutStep>> byRollout =
                firstOfEach.values().stream()
                        .collect(Collectors.groupingBy(RolloutStep::rolloutId));
        for (List<RolloutStep> rollout : byRollout.values()) {
            rollout.sort(Comparator.comparingLong(RolloutStep::sequence));
            for (int k = 0; k < rollout.size(); k++) {
                RolloutStep step = rollout.get(k);
                List<TrafficApplied> reports =
                        appliedByStep.get(step.rolloutId() + "/" + step.sequence());
                if (reports == null) {
                    continue;
                }
                Instant confirmed = reports.get(0).appliedAt();
                traffic.add(Duration.between(step.emittedAt(), confirmed).toNanos() / 1e6);
                if (k + 1 < rollout.size()) {
                    planner.add(
                            Duration.between(confirmed, rollout.get(k + 1).emittedAt()).toNanos()
                                    / 1e6);
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("replicas", replicas);
        row.put("rollouts", rollouts);
        row.put("seconds", Latencies.round(seconds));
        row.put("rolloutsPerMinute", Math.round(rollouts / seconds * 60));
        row.put("steps", firstOfEach.size());
        row.put("plannerStepLatencyMs", planner.summary());
        row.put("trafficStepLatencyMs", traffic.summary());
        row.put("stepsLost", lost);
        row.put("stepsDuplicated", duplicated);
        row.put("stepsReadBackAgain", reread);
        row.put("driftReports", drift);
        System.out.printf(
                "  %d replicas: %d rollouts in %.1f s (%d a minute), steps lost %d, applied twice %d%n",
                replicas, rollouts, seconds, Math.round(rollouts / seconds * 60), lost, duplicated);
        return row;
    }

    private long succeeded(String planner, String prefix) throws Exception {
        JsonNode list =
                JSON.readTree(
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                planner
                                                                        + "/api/rollouts?state=SUCCEEDED&limit=1000"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        long count = 0;
        for (JsonNode rollout : list) {
            count += rollout.path("service").asText().startsWith(prefix) ? 1 : 0;
        }
        return count;
    }

    /**
     * Sends a request; completes with the rollout id of a release (or the body of anything else),
     * fails on an error status.
     */
    private CompletableFuture<String> send(String method, String url, String body) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response -> {
                            if (response.statusCode() / 100 != 2) {
                                throw new IllegalStateException(
                                        method
                                                + " "
                                                + url
                                                + ": "
                                                + response.statusCode()
                                                + " "
                                                + response.body());
                            }
                            try {
                                return response.body().contains("rolloutId")
                                        ? JSON.readTree(response.body()).path("rolloutId").asText()
                                        : response.body();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
    }
}
