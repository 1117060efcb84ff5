package dev.glide.bench;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficMetrics;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Abort reaction time: from the end of the first bad metrics window an analysis judges to the
 * gateway serving 100 % stable again, as read back by the traffic service. Each rollout sends 25 %
 * of steady load to a v2 that fails half its requests, with analysis windows of one second; the
 * whole system runs on real parts (Kafka, PostgreSQL, the four packaged services) and the times are
 * taken from the records on the broker: the metrics window's end and the abort step's read-back,
 * both stamped by the traffic service's clock.
 */
@Command(name = "abort-reaction", mixinStandardHelpOptions = true)
public class AbortReaction implements Callable<Integer> {

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(names = "--rollouts", description = "rollouts per gateway", defaultValue = "20")
    int rollouts;

    @Option(
            names = "--warm-up",
            description = "rollouts per gateway before measuring (cold JIT in five JVMs)",
            defaultValue = "3")
    int warmUp;

    private EventCodec codec;
    private GlideSystem glide;
    private PlannerApi planner;
    private TopicProbe probe;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AbortReaction()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        Path data = Files.createTempDirectory("glide-abort-bench");
        glide = BenchSystems.withQuickAnalysis(root, data);
        planner = new PlannerApi(glide.plannerUrl());
        BenchReport report = new BenchReport("abort-reaction");
        try (UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2")) {
            v2.failRate(0.5);
            probe = new TopicProbe(glide.bootstrapServers());
            report.put("embedded", measure("embedded", v1, v2, null));
            if (Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
                try (HaproxyProcess haproxy =
                        HaproxyProcess.start(data.resolve("haproxy"), v1.port(), v2.port())) {
                    report.put("haproxy", measure("haproxy", v1, v2, haproxy));
                }
            } else {
                report.put(
                        "haproxy",
                        Map.of("skipped", "haproxy is not installed (apt-get install haproxy)"));
            }
        } finally {
            glide.close();
        }
        report.put(
                "definition",
                "first bad metrics window judged by the analysis (its end) -> abort step read back from the gateway");
        report.put("targetP99Ms", 500);
        report.print();
        report.write(root.resolve("bench/results/abort-reaction.json"));
        return 0;
    }

    private Map<String, Object> measure(
            String gateway, UpstreamServer v1, UpstreamServer v2, HaproxyProcess haproxy)
            throws Exception {
        Latencies reaction = new Latencies();
        Map<String, Latencies> stages = new LinkedHashMap<>();
        for (String stage :
                List.of(
                        "windowPublished",
                        "verdictDecided",
                        "abortStepEmitted",
                        "stableReadBack")) {
            stages.put(stage, new Latencies());
        }
        long[] load = new long[2];
        int aborted = 0;
        for (int i = 0; i < warmUp; i++) {
            run(
                    gateway, -1 - i, v1, v2, haproxy,
                    load); // the services' first rollouts run on cold JIT
        }
        load[0] = 0;
        load[1] = 0;
        for (int i = 0; i < rollouts; i++) {
            Optional<Instant[]> times = run(gateway, i, v1, v2, haproxy, load);
            if (times.isEmpty()) {
                continue;
            }
            aborted++;
            Instant[] t = times.get();
            double ms = Duration.between(t[0], t[4]).toNanos() / 1e6;
            reaction.add(ms);
            int stage = 1;
            for (Latencies each : stages.values()) {
                each.add(Duration.between(t[stage - 1], t[stage]).toNanos() / 1e6);
                stage++;
            }
            System.out.printf(
                    "  %s rollout %2d: stable again %4.0f ms after the first bad window ended"
                            + " (window published +%.0f, verdict +%.0f, abort step +%.0f, read back +%.0f)%n",
                    gateway,
                    i + 1,
                    ms,
                    millis(t[0], t[1]),
                    millis(t[1], t[2]),
                    millis(t[2], t[3]),
                    millis(t[3], t[4]));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rollouts", rollouts);
        result.put("warmUpRollouts", warmUp);
        result.put("aborted", aborted);
        result.put("abortReactionMs", reaction.summary());
        Map<String, Object> breakdown = new LinkedHashMap<>();
        stages.forEach((name, each) -> breakdown.put(name, each.summary()));
        result.put("stagesMs", breakdown);
        result.put("requestsSent", load[0]);
        result.put("failedRequests", load[1]);
        return result;
    }

    /**
     * One rollout of a bad v2 under load until the gateway serves stable again; the instants of the
     * first bad window's end, its metrics' publication, the failing verdict, the abort step and its
     * read-back; empty if it never aborted.
     */
    private Optional<Instant[]> run(
            String gateway,
            int i,
            UpstreamServer v1,
            UpstreamServer v2,
            HaproxyProcess haproxy,
            long[] load)
            throws Exception {
        String service =
                gateway
                        + "-"
                        + (i < 0 ? "warm-up" + (-i) : i)
                        + "-"
                        + Long.toString(System.nanoTime(), 36);
        Map<String, Object> binding =
                haproxy == null
                        ? Map.of("adapter", "embedded", "route", "/" + service)
                        : Map.of(
                                "adapter",
                                "haproxy",
                                "route",
                                HaproxyProcess.BACKEND,
                                "stableTarget",
                                "stable",
                                "canaryTarget",
                                "canary",
                                "address",
                                haproxy.runtimeApi());
        URI entry =
                haproxy == null
                        ? URI.create(glide.gatewayUrl() + "/" + service + "/")
                        : URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/");
        planner.call(
                "PUT",
                "/api/services/" + service,
                Map.of(
                        "team",
                        "bench",
                        "gateway",
                        binding,
                        "stable",
                        Map.of("version", "v1", "endpoints", List.of(v1.endpoint())),
                        "strategy",
                        Map.of(
                                "type",
                                "canary",
                                "steps",
                                List.of(
                                        Map.of("setWeight", 25),
                                        Map.of(
                                                "analysis",
                                                Map.of(
                                                        "metrics",
                                                        List.of("error-rate"),
                                                        "interval",
                                                        "1s",
                                                        "count",
                                                        5,
                                                        "failureLimit",
                                                        0)),
                                        Map.of("setWeight", 100)))));
        String rollout =
                planner.call(
                                "POST",
                                "/api/releases",
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        "v2",
                                        "environment",
                                        "bench",
                                        "endpoints",
                                        List.of(v2.endpoint())))
                        .path("rolloutId")
                        .asText();
        probe.awaitRecord(Topics.TRAFFIC_APPLIED, TopicProbe.WAIT, r -> rollout.equals(r.key()));
        TrafficApplied back;
        try (LoadLoop loop = LoadLoop.paced(entry, 4, Duration.ofMillis(2))) {
            back =
                    codec.decode(
                            probe.awaitRecord(
                                            Topics.TRAFFIC_APPLIED,
                                            Duration.ofSeconds(60),
                                            r ->
                                                    rollout.equals(r.key())
                                                            && isBackToStable(r.value()))
                                    .value(),
                            TrafficApplied.class);
            loop.close();
            load[0] += loop.sent();
            load[1] += loop.gatewayFailed();
        }
        Instant analysisStart;
        try {
            analysisStart = analysisStart(rollout);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "rollout "
                            + rollout
                            + " never started its analysis; its history: "
                            + planner.call("GET", "/api/rollouts/" + rollout + "/history", null),
                    e);
        }
        Optional<ConsumerRecord<String, String>> firstBad =
                probe.readAll(Topics.TRAFFIC_METRICS, r -> rollout.equals(r.key())).stream()
                        .filter(
                                r -> {
                                    TrafficMetrics m =
                                            codec.decode(r.value(), TrafficMetrics.class);
                                    return m.of(Role.CANARY) != null
                                            && m.of(Role.CANARY).errors() > 0
                                            && m.windowEnd().isAfter(analysisStart);
                                })
                        .min(
                                Comparator.comparing(
                                        r ->
                                                codec.decode(r.value(), TrafficMetrics.class)
                                                        .windowEnd()));
        Optional<AnalysisVerdict> failed =
                probe.readAll(Topics.ANALYSIS_VERDICTS, r -> rollout.equals(r.key())).stream()
                        .map(r -> codec.decode(r.value(), AnalysisVerdict.class))
                        .filter(v -> v.verdict() == AnalysisVerdict.Verdict.FAIL)
                        .findFirst();
        Optional<RolloutStep> abortStep =
                probe.readAll(Topics.ROLLOUT_STEPS, r -> rollout.equals(r.key())).stream()
                        .map(r -> codec.decode(r.value(), RolloutStep.class))
                        .filter(step -> step.sequence() == back.sequence())
                        .findFirst();
        if (firstBad.isEmpty() || failed.isEmpty() || abortStep.isEmpty()) {
            System.out.printf(
                    "  %s rollout %2d: not aborted by analysis (bad window %s, failing verdict %s)%n",
                    gateway, i + 1, firstBad.isPresent(), failed.isPresent());
            return Optional.empty();
        }
        return Optional.of(
                new Instant[] {
                    codec.decode(firstBad.get().value(), TrafficMetrics.class).windowEnd(),
                    Instant.ofEpochMilli(firstBad.get().timestamp()),
                    failed.get().decidedAt(),
                    abortStep.get().emittedAt(),
                    back.appliedAt()
                });
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private boolean isBackToStable(String value) {
        TrafficApplied applied = codec.decode(value, TrafficApplied.class);
        return applied.outcome() == TrafficApplied.Outcome.APPLIED
                && applied.served() != null
                && applied.served().canary() == 0
                && applied.sequence() > 1
                && applied.reason() == null;
    }

    /**
     * When the analysis's windows began: the planner's analysis event, on the next whole second.
     */
    private Instant analysisStart(String rollout) {
        RolloutEvent started =
                codec.decode(
                        probe.awaitRecord(
                                        Topics.ROLLOUT_EVENTS,
                                        TopicProbe.WAIT,
                                        r ->
                                                rollout.equals(r.key())
                                                        && codec.decode(
                                                                                r.value(),
                                                                                RolloutEvent.class)
                                                                        .analysis()
                                                                != null)
                                .value(),
                        RolloutEvent.class);
        Instant at = started.occurredAt();
        Instant second = at.truncatedTo(ChronoUnit.SECONDS);
        return second.equals(at) ? at : second.plusSeconds(1);
    }
}
