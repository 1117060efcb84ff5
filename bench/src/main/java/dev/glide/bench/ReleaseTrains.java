package dev.glide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Release trains on real parts: trains of a backend and two frontends depending on it, each member
 * behind the embedded gateway with steady load from its first confirmed step on. Half the trains
 * are good (they must succeed); in the other half one frontend's v2 fails half its requests (the
 * train must abort all three). Measured: requests failed by the gateway, the cutover's spread
 * (first to last member serving 100 % new, read back), the train's abort reaction (the failing
 * verdict to the last member back on stable, read back), frontends started before the backend's
 * gates passed, and steps lost or published twice.
 */
@Command(name = "release-trains", mixinStandardHelpOptions = true)
public class ReleaseTrains implements Callable<Integer> {

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(
            names = "--trains",
            description = "trains of each kind (good, failing frontend)",
            defaultValue = "5")
    int trains;

    private EventCodec codec;
    private GlideSystem glide;
    private PlannerApi planner;
    private TopicProbe probe;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReleaseTrains()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        Path data = Files.createTempDirectory("glide-train-bench");
        glide = BenchSystems.withQuickAnalysis(root, data);
        planner = new PlannerApi(glide.plannerUrl());
        BenchReport report = new BenchReport("release-trains");
        Latencies cutoverSpread = new Latencies();
        Latencies abortReaction = new Latencies();
        Latencies trainDuration = new Latencies();
        long[] load = new long[2];
        int[] outcome = new int[4]; // good succeeded, good other, bad aborted, bad other
        int orderViolations = 0;
        int lost = 0;
        int duplicated = 0;
        try {
            probe = new TopicProbe(glide.bootstrapServers());
            for (int i = 0; i < 2 * trains; i++) {
                boolean bad = i % 2 == 1;
                Run run = run(i, bad, load);
                trainDuration.add(run.millis);
                outcome[
                        (bad ? 2 : 0)
                                + (run.state.equals(bad ? "ABORTED" : "SUCCEEDED") ? 0 : 1)]++;
                orderViolations += run.orderViolations;
                lost += run.lost;
                duplicated += run.duplicated;
                run.cutoverSpreadMs.ifPresent(cutoverSpread::add);
                run.abortReactionMs.ifPresent(abortReaction::add);
                System.out.printf(
                        "  train %2d (%s): %s in %.1f s%s%s%n",
                        i + 1,
                        bad ? "failing frontend" : "good",
                        run.state,
                        run.millis / 1000,
                        run.cutoverSpreadMs
                                .map(ms -> String.format(", cutover spread %.0f ms", ms))
                                .orElse(""),
                        run.abortReactionMs
                                .map(
                                        ms ->
                                                String.format(
                                                        ", all back on stable %.0f ms after the failing verdict",
                                                        ms))
                                .orElse(""));
            }
        } finally {
            glide.close();
        }
        report.put("trains", Map.of("good", trains, "failingFrontend", trains));
        report.put("goodSucceeded", outcome[0]);
        report.put("failingAbortedAll", outcome[2]);
        report.put("unexpectedEnds", outcome[1] + outcome[3]);
        report.put("requestsSent", load[0]);
        report.put("failedRequests", load[1]);
        report.put("cutoverSpreadMs", cutoverSpread.summary());
        report.put("trainAbortReactionMs", abortReaction.summary());
        report.put("trainDurationMs", trainDuration.summary());
        report.put("frontendsStartedBeforeBackendGates", orderViolations);
        report.put("stepsLost", lost);
        report.put("stepsDuplicated", duplicated);
        report.put(
                "setup",
                "3 members (backend; web and mobile after it), canary 20 % + analysis (3 windows of 1 s), "
                        + "rollback window 2 s, embedded gateway, 2 paced clients per member");
        report.print();
        report.write(root.resolve("bench/results/release-trains.json"));
        return outcome[1] + outcome[3] == 0 && load[1] == 0 ? 0 : 1;
    }

    record Run(
            String state,
            double millis,
            Optional<Double> cutoverSpreadMs,
            Optional<Double> abortReactionMs,
            int orderViolations,
            int lost,
            int duplicated) {}

    private Run run(int i, boolean bad, long[] load) throws Exception {
        String suffix = i + "-" + Long.toString(System.nanoTime(), 36);
        List<String> services = List.of("backend-" + suffix, "web-" + suffix, "mobile-" + suffix);
        List<UpstreamServer> upstreams = new ArrayList<>();
        Map<String, LoadLoop> loops = new LinkedHashMap<>();
        try {
            List<Map<String, Object>> members = new ArrayList<>();
            for (String service : services) {
                UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2");
                upstreams.add(v1);
                upstreams.add(v2);
                if (bad && service.startsWith("web-")) {
                    v2.failRate(0.5);
                }
                planner.call(
                        "PUT",
                        "/api/services/" + service,
                        Map.of(
                                "team",
                                "bench",
                                "gateway",
                                Map.of("adapter", "embedded", "route", "/" + service),
                                "stable",
                                Map.of("version", "v1", "endpoints", List.of(v1.endpoint())),
                                "strategy",
                                Map.of(
                                        "type",
                                        "canary",
                                        "steps",
                                        List.of(
                                                Map.of("setWeight", 20),
                                                Map.of(
                                                        "analysis",
                                                        Map.of(
                                                                "metrics",
                                                                List.of("error-rate"),
                                                                "interval",
                                                                "1s",
                                                                "count",
                                                                3,
                                                                "failureLimit",
                                                                0))))));
                Map<String, Object> member =
                        new LinkedHashMap<>(
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        "v2",
                                        "endpoints",
                                        List.of(v2.endpoint())));
                if (!service.startsWith("backend-")) {
                    member.put("dependsOn", List.of(services.get(0)));
                }
                members.add(member);
            }
            Instant started = Instant.now();
            JsonNode accepted =
                    planner.call(
                            "POST",
                            "/api/trains",
                            Map.of(
                                    "name",
                                    "bench " + suffix,
                                    "environment",
                                    "bench",
                                    "members",
                                    members,
                                    "cutover",
                                    Map.of("rollbackWindow", "2s")));
            String train = accepted.path("trainId").asText();
            List<String> ids =
                    services.stream().map(s -> accepted.path("members").path(s).asText()).toList();
            String state;
            while (true) {
                JsonNode status = planner.call("GET", "/api/trains/" + train, null);
                for (int m = 0; m < services.size(); m++) {
                    if (!loops.containsKey(services.get(m))
                            && planner.trafficConfirmed(ids.get(m))) {
                        loops.put(
                                services.get(m),
                                LoadLoop.paced(
                                        URI.create(
                                                glide.gatewayUrl() + "/" + services.get(m) + "/"),
                                        2,
                                        Duration.ofMillis(2)));
                    }
                }
                state = status.path("state").asText();
                if (List.of("SUCCEEDED", "ABORTED", "FAILED").contains(state)) {
                    break;
                }
                if (Duration.between(started, Instant.now()).toSeconds() > 180) {
                    throw new IllegalStateException(
                            "train " + train + " did not end in 180 s: " + status);
                }
                Thread.sleep(100);
            }
            double millis = Duration.between(started, Instant.now()).toNanos() / 1e6;
            loops.values().forEach(LoadLoop::close);
            for (LoadLoop loop : loops.values()) {
                load[0] += loop.sent();
                load[1] += loop.gatewayFailed();
                if (loop.gatewayFailed() > 0) {
                    System.out.printf("  train %d: gateway failures %s%n", i + 1, loop.failures());
                }
            }
            return new Run(
                    state,
                    millis,
                    cutoverSpread(ids),
                    bad ? abortReaction(ids) : Optional.empty(),
                    orderViolations(ids),
                    lost(ids),
                    duplicated(ids));
        } finally {
            loops.values().forEach(LoadLoop::close);
            upstreams.forEach(UpstreamServer::close);
        }
    }

    private List<TrafficApplied> readBacks(String rolloutId) {
        return probe.readAll(Topics.TRAFFIC_APPLIED, r -> rolloutId.equals(r.key())).stream()
                .map(r -> codec.decode(r.value(), TrafficApplied.class))
                .filter(a -> a.outcome() == TrafficApplied.Outcome.APPLIED && a.served() != null)
                .toList();
    }

    /** From the first member's cutover read back to the last one's. */
    private Optional<Double> cutoverSpread(List<String> ids) {
        List<Instant> cutovers = new ArrayList<>();
        for (String id : ids) {
            readBacks(id).stream()
                    .filter(a -> a.served().canary() == 100)
                    .map(TrafficApplied::appliedAt)
                    .min(Instant::compareTo)
                    .ifPresent(cutovers::add);
        }
        if (cutovers.size() < ids.size()) {
            return Optional.empty();
        }
        return Optional.of(
                Duration.between(
                                        cutovers.stream().min(Instant::compareTo).orElseThrow(),
                                        cutovers.stream().max(Instant::compareTo).orElseThrow())
                                .toNanos()
                        / 1e6);
    }

    /** From the failing verdict to the last member serving stable again (read back). */
    private Optional<Double> abortReaction(List<String> ids) {
        Optional<Instant> failed =
                ids.stream()
                        .flatMap(
                                id ->
                                        probe
                                                .readAll(
                                                        Topics.ANALYSIS_VERDICTS,
                                                        r -> id.equals(r.key()))
                                                .stream()
                                                .map(
                                                        r ->
                                                                codec.decode(
                                                                        r.value(),
                                                                        AnalysisVerdict.class)))
                        .filter(v -> v.verdict() == AnalysisVerdict.Verdict.FAIL)
                        .map(AnalysisVerdict::decidedAt)
                        .min(Instant::compareTo);
        List<Instant> stable = new ArrayList<>();
        for (String id : ids) {
            readBacks(id).stream()
                    .filter(a -> a.served().canary() == 0 && a.sequence() > 1 && a.reason() == null)
                    .map(TrafficApplied::appliedAt)
                    .max(Instant::compareTo)
                    .ifPresent(stable::add);
        }
        if (failed.isEmpty() || stable.size() < ids.size()) {
            return Optional.empty();
        }
        return Optional.of(
                Duration.between(
                                        failed.get(),
                                        stable.stream().max(Instant::compareTo).orElseThrow())
                                .toNanos()
                        / 1e6);
    }

    /** Frontends whose rollout logged anything before the backend logged its gates passed. */
    private int orderViolations(List<String> ids) throws Exception {
        Instant gates = null;
        for (JsonNode entry : planner.find("/api/rollouts/" + ids.get(0) + "/history")) {
            if (entry.path("type").asText().equals("TRANSITION")
                    && entry.path("cause").asText().startsWith("gates passed")) {
                gates = Instant.parse(entry.path("occurredAt").asText());
                break;
            }
        }
        int violations = 0;
        for (String frontend : ids.subList(1, ids.size())) {
            JsonNode history = planner.find("/api/rollouts/" + frontend + "/history");
            if (history != null
                    && !history.isEmpty()
                    && (gates == null
                            || Instant.parse(history.get(0).path("occurredAt").asText())
                                    .isBefore(gates))) {
                violations++;
            }
        }
        return violations;
    }

    /** Steps logged by the planner that never reached the topic. */
    private int lost(List<String> ids) throws Exception {
        int lost = 0;
        for (String id : ids) {
            List<Long> published = published(id);
            JsonNode history = planner.find("/api/rollouts/" + id + "/history");
            for (JsonNode entry : history == null ? List.<JsonNode>of() : history) {
                if (entry.path("type").asText().equals("STEP")
                        && !published.contains(entry.path("sequence").asLong())) {
                    lost++;
                }
            }
        }
        return lost;
    }

    /** Steps published more than once. */
    private int duplicated(List<String> ids) {
        int duplicated = 0;
        for (String id : ids) {
            List<Long> published = published(id);
            duplicated += published.size() - (int) published.stream().distinct().count();
        }
        return duplicated;
    }

    private List<Long> published(String rolloutId) {
        return probe.readAll(Topics.ROLLOUT_STEPS, r -> rolloutId.equals(r.key())).stream()
                .map(r -> codec.decode(r.value(), RolloutStep.class).sequence())
                .toList();
    }
}
