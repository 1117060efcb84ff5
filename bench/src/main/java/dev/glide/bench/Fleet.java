package dev.glide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.Weights;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.UpstreamServer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Glide at fleet scale, on real Kafka and PostgreSQL with the packaged planner and traffic service
 * (the benchmark answers analyses in the analysis service's place, so what is measured is theirs):
 *
 * <ul>
 *   <li>{@code train}: trains of {@code --members} services with no dependencies between them,
 *       through one real HAProxy holding every route and through the no-op gateway: the cutover's
 *       spread (first to last member read back at 100 %), and, when one member fails its analysis
 *       while all are at their canary weight, the time from that verdict to every member read back
 *       on stable; clients of a sample of members through HAProxy the whole time. The first {@code
 *       --warm-up} trains of each kind, right after the services start (their code still cold), are
 *       reported apart ({@code afterStart});
 *   <li>{@code burst}: {@code --burst} releases at once (10 -> 50 -> 100 % and promotion each), and
 *       rollouts aborted in the middle of it, beside the same aborts with nothing else going on
 *       (the first {@code --warm-up} bursts, right after the services start, reported apart): the
 *       abort's reaction (the abort accepted -> the gateway read back at 0 %), steps applied per
 *       second by one traffic replica, and the planner's step latency (a step's confirmation -> the
 *       rollout's next step);
 *   <li>{@code scale}: the scale-out benchmark's burst at 1, 2 and 3 replicas, as rollouts per
 *       CPU-second of the planner and traffic processes (the first {@code --warm-up} bursts at each
 *       count reported apart);
 *   <li>{@code streams}: the planner's and PostgreSQL's CPU with no live view open and with {@code
 *       --streams} open while nothing changes, and how soon one change reaches all of them.
 * </ul>
 */
@Command(name = "fleet", mixinStandardHelpOptions = true)
public final class Fleet implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CANARY_STRATEGY =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"setWeight\":50},{\"setWeight\":100}]}";

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(
            names = "--parts",
            split = ",",
            defaultValue = "train,burst,scale,streams",
            description = "What to measure (default: ${DEFAULT-VALUE}).")
    List<String> parts;

    @Option(names = "--members", defaultValue = "200", description = "Services in each train.")
    int members;

    @Option(
            names = "--trains",
            defaultValue = "3",
            description = "Trains of each kind per gateway.")
    int trains;

    @Option(
            names = "--warm-up",
            defaultValue = "1",
            description =
                    "Trains of each kind per gateway, and bursts, run first, right after the services"
                            + " start, and reported apart (afterStart): the services' code is still cold.")
    int warmUp;

    @Option(
            names = "--gateways",
            split = ",",
            defaultValue = "noop,haproxy",
            description = "The gateways the trains go through (default: ${DEFAULT-VALUE}).")
    List<String> gateways;

    @Option(names = "--burst", defaultValue = "500", description = "Releases in the burst.")
    int burst;

    @Option(names = "--aborts", defaultValue = "10", description = "Aborts measured, each way.")
    int aborts;

    @Option(
            names = "--scale-rollouts",
            defaultValue = "300",
            description = "Releases per replica count in the scale part.")
    int scaleRollouts;

    @Option(names = "--streams", defaultValue = "500", description = "Live views opened.")
    int streams;

    private EventCodec codec;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(8))
                    .build();
    private boolean clean = true;
    // the stages of the aborts measured last: asked -> answered -> step on the broker -> read back
    private Latencies abortAnswered = new Latencies();
    private Latencies abortPublished = new Latencies();
    private Latencies abortApplied = new Latencies();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Fleet()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        BenchReport report = new BenchReport("fleet");
        if (parts.contains("train")) {
            Map<String, Object> byGateway = new LinkedHashMap<>();
            for (String gateway : gateways) {
                if (!List.of("noop", "haproxy").contains(gateway)) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this),
                            "--gateways: '" + gateway + "' is not one of noop, haproxy");
                }
                byGateway.put(gateway, trains(gateway));
            }
            report.put("trains", byGateway);
        }
        if (parts.contains("burst")) {
            report.put("burst", burst());
        }
        if (parts.contains("scale")) {
            report.put("scaleOut", scale());
        }
        if (parts.contains("streams")) {
            report.put("liveViews", liveViews());
        }
        report.print();
        report.write(root.resolve("bench/results/fleet.json"));
        pool.shutdownNow();
        return clean ? 0 : 1;
    }

    // ---------------------------------------------------------------- trains

    private Map<String, Object> trains(String gateway) throws Exception {
        Path data = Files.createTempDirectory("glide-fleet-train");
        List<String> routes = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            routes.add("m" + i);
        }
        UpstreamServer v1 = UpstreamServer.start("v1");
        UpstreamServer v2 = UpstreamServer.start("v2");
        HaproxyProcess haproxy =
                gateway.equals("haproxy")
                        ? HaproxyProcess.startFleet(
                                data.resolve("haproxy"), routes, v1.port(), v2.port())
                        : null;
        List<LoadLoop> clients = new ArrayList<>();
        try (GlideSystem glide = plannerAndTraffic(data, 1, 1);
                FleetListener listener = new FleetListener(glide.bootstrapServers(), codec)) {
            PlannerApi planner = new PlannerApi(glide.plannerUrl());
            List<String> services = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                services.add("fleet-" + gateway + "-" + i);
            }
            all(
                    services,
                    service -> {
                        String route = routes.get(services.indexOf(service));
                        Map<String, Object> binding =
                                haproxy == null
                                        ? Map.of("adapter", "noop", "route", route)
                                        : Map.of(
                                                "adapter",
                                                "haproxy",
                                                "route",
                                                route,
                                                "stableTarget",
                                                "stable",
                                                "canaryTarget",
                                                "canary",
                                                "address",
                                                haproxy.runtimeApi());
                        planner.call(
                                "PUT",
                                "/api/services/" + service,
                                Map.of(
                                        "team",
                                        "fleet",
                                        "gateway",
                                        binding,
                                        "stable",
                                        Map.of(
                                                "version",
                                                "v1",
                                                "endpoints",
                                                List.of(v1.endpoint())),
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
                                                                        1,
                                                                        "failureLimit",
                                                                        0))))));
                        return null;
                    });
            if (haproxy != null) {
                // clients of every twentieth member, through the one HAProxy, the whole time
                for (int i = 0; i < members; i += Math.max(1, members / 10)) {
                    clients.add(
                            LoadLoop.paced(
                                    URI.create(
                                            "http://127.0.0.1:"
                                                    + haproxy.frontendPort()
                                                    + "/"
                                                    + routes.get(i)
                                                    + "/"),
                                    1,
                                    Duration.ofMillis(5)));
                }
            }
            Latencies spread = new Latencies();
            Latencies abortAll = new Latencies();
            Latencies coldSpread = new Latencies();
            Latencies coldAbortAll = new Latencies();
            Latencies duration = new Latencies();
            StepLedger ledger = new StepLedger();
            int unexpected = 0;
            int version = 2;
            for (int t = 0; t < 2 * (warmUp + trains); t++) {
                boolean failing = t % 2 == 1;
                boolean cold = t < 2 * warmUp;
                TrainRun run =
                        train(
                                planner,
                                listener,
                                services,
                                "v" + version,
                                failing ? v1.endpoint() : v2.endpoint(),
                                failing);
                if (!run.state.equals(failing ? "ABORTED" : "SUCCEEDED")) {
                    unexpected++;
                }
                if (!failing) {
                    version++;
                }
                if (!cold) {
                    duration.add(run.millis);
                }
                run.cutoverSpreadMs.ifPresent((cold ? coldSpread : spread)::add);
                run.allBackMs.ifPresent((cold ? coldAbortAll : abortAll)::add);
                run.ids.forEach(
                        id -> {
                            listener.stepsOf(id).forEach(s -> ledger.expect(id, s.sequence()));
                            listener.reportsOf(id).forEach(ledger::report);
                        });
                System.out.printf(
                        "  %s train %d (%s%s, %d members): %s in %.1f s%s%s%n",
                        gateway,
                        t + 1,
                        cold ? "after start, " : "",
                        failing ? "one member fails" : "good",
                        members,
                        run.state,
                        run.millis / 1000,
                        run.cutoverSpreadMs
                                .map(ms -> String.format(", cutover spread %.0f ms", ms))
                                .orElse(""),
                        run.allBackMs
                                .map(
                                        ms ->
                                                String.format(
                                                        ", all %d back on stable %.0f ms after the failing verdict",
                                                        members, ms))
                                .orElse(""));
            }
            clients.forEach(LoadLoop::close);
            long sent = clients.stream().mapToLong(LoadLoop::sent).sum();
            long failed = clients.stream().mapToLong(LoadLoop::gatewayFailed).sum();
            clients.stream()
                    .filter(c -> c.gatewayFailed() > 0)
                    .forEach(c -> System.out.println("  gateway failures: " + c.failures()));
            clean &=
                    unexpected == 0
                            && failed == 0
                            && ledger.lost() == 0
                            && ledger.duplicated() == 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("members", members);
            row.put("trains", Map.of("good", trains, "oneMemberFails", trains));
            row.put("unexpectedEnds", unexpected);
            row.put("cutoverSpreadMs", spread.summary());
            row.put("failingVerdictToAllOnStableMs", abortAll.summary());
            row.put("trainDurationMs", duration.summary());
            row.put(
                    "afterStart",
                    Map.of(
                            "trains",
                            Map.of("good", warmUp, "oneMemberFails", warmUp),
                            "cutoverSpreadMs",
                            coldSpread.summary(),
                            "failingVerdictToAllOnStableMs",
                            coldAbortAll.summary()));
            row.put("clientRequests", haproxy == null ? null : sent);
            row.put("failedRequests", haproxy == null ? null : failed);
            row.put("stepsLost", ledger.lost());
            row.put("stepsDuplicated", ledger.duplicated());
            return row;
        } finally {
            clients.forEach(LoadLoop::close);
            if (haproxy != null) {
                haproxy.close();
            }
            v1.close();
            v2.close();
        }
    }

    private static double sinceMs(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    record TrainRun(
            String state,
            double millis,
            List<String> ids,
            Optional<Double> cutoverSpreadMs,
            Optional<Double> allBackMs) {}

    private TrainRun train(
            PlannerApi planner,
            FleetListener listener,
            List<String> services,
            String version,
            String endpoint,
            boolean failing)
            throws Exception {
        List<Map<String, Object>> body = new ArrayList<>();
        for (String service : services) {
            body.add(
                    Map.of("service", service, "version", version, "endpoints", List.of(endpoint)));
        }
        Instant started = Instant.now();
        JsonNode accepted =
                planner.call(
                        "POST",
                        "/api/trains",
                        Map.of(
                                "name",
                                "fleet " + version + (failing ? " (failing)" : ""),
                                "environment",
                                "fleet",
                                "members",
                                body,
                                "cutover",
                                Map.of("rollbackWindow", "2s")));
        String train = accepted.path("trainId").asText();
        List<String> ids =
                services.stream().map(s -> accepted.path("members").path(s).asText()).toList();
        // the middle member fails its analysis, once every other member is at its canary weight
        // with its gates passed
        String failer = ids.get(ids.size() / 2);
        if (failing) {
            listener.hold(failer);
        }
        Instant failedAt = null;
        String state;
        while (true) {
            JsonNode status = planner.call("GET", "/api/trains/" + train, null);
            state = status.path("state").asText();
            if (List.of("SUCCEEDED", "ABORTED", "FAILED").contains(state)) {
                break;
            }
            if (failing && failedAt == null && listener.waiting(failer)) {
                long ready = 0;
                for (JsonNode member : status.path("members")) {
                    ready += member.path("standing").asText().equals("READY") ? 1 : 0;
                }
                if (ready == services.size() - 1) {
                    failedAt = listener.judge(failer, AnalysisVerdict.Verdict.FAIL);
                }
            }
            if (Duration.between(started, Instant.now()).toMinutes() >= 5) {
                throw new IllegalStateException("train " + train + " did not end in 5 minutes");
            }
            Thread.sleep(100);
        }
        double millis = Duration.between(started, Instant.now()).toNanos() / 1e6;
        // the last reports may still be on their way to the listener
        Thread.sleep(1000);
        Optional<Double> spread = Optional.empty();
        Optional<Double> allBack = Optional.empty();
        if (!failing) {
            List<Instant> cutovers = firstReadBack(listener, ids, a -> a.served().canary() == 100);
            if (cutovers.size() == ids.size()) {
                spread = Optional.of(spanMs(cutovers));
            }
            StepTimes steps = stepTimes(listener, ids, s -> s.weights().canary() == 100);
            if (steps.seen() && !cutovers.isEmpty()) {
                Instant first = earliest(steps.emitted());
                System.out.printf(
                        "    cutover steps emitted over %.0f ms, on the broker %.0f-%.0f ms, read back %.0f-%.0f ms after the first was emitted%n",
                        spanMs(steps.emitted()),
                        sinceMs(first, earliest(steps.published())),
                        sinceMs(first, latest(steps.published())),
                        sinceMs(first, earliest(cutovers)),
                        sinceMs(first, latest(cutovers)));
            }
        } else if (failedAt != null) {
            Instant from = failedAt;
            List<Instant> stable =
                    firstReadBack(
                            listener,
                            ids,
                            a -> a.served().canary() == 0 && a.appliedAt().isAfter(from));
            StepTimes steps =
                    stepTimes(
                            listener,
                            ids,
                            s ->
                                    s.weights().canary() == 0
                                            && s.emittedAt().isAfter(from.minusMillis(1)));
            if (steps.seen() && !stable.isEmpty()) {
                System.out.printf(
                        "    abort steps emitted %.0f-%.0f ms, on the broker %.0f-%.0f ms, read back %.0f-%.0f ms after the failing verdict%n",
                        sinceMs(from, earliest(steps.emitted())),
                        sinceMs(from, latest(steps.emitted())),
                        sinceMs(from, earliest(steps.published())),
                        sinceMs(from, latest(steps.published())),
                        sinceMs(from, earliest(stable)),
                        sinceMs(from, latest(stable)));
            }
            if (stable.size() == ids.size()) {
                allBack = Optional.of(sinceMs(from, latest(stable)));
            }
        }
        return new TrainRun(state, millis, ids, spread, allBack);
    }

    /** When each member's first such step was emitted and when it reached the broker. */
    private record StepTimes(List<Instant> emitted, List<Instant> published) {
        boolean seen() {
            return !emitted.isEmpty() && !published.isEmpty();
        }
    }

    private static StepTimes stepTimes(
            FleetListener listener, List<String> ids, Predicate<RolloutStep> which) {
        List<Instant> emitted = new ArrayList<>();
        List<Instant> published = new ArrayList<>();
        for (String id : ids) {
            listener.stepsOf(id).stream()
                    .filter(which)
                    .findFirst()
                    .ifPresent(
                            s -> {
                                emitted.add(s.emittedAt());
                                Instant on = listener.stepPublished.get(id + "/" + s.sequence());
                                if (on != null) {
                                    published.add(on);
                                }
                            });
        }
        return new StepTimes(emitted, published);
    }

    /** When each member was first read back applied as {@code which} says. */
    private static List<Instant> firstReadBack(
            FleetListener listener, List<String> ids, Predicate<TrafficApplied> which) {
        List<Instant> times = new ArrayList<>();
        for (String id : ids) {
            listener.reportsOf(id).stream()
                    .filter(a -> applied(a) && which.test(a))
                    .map(TrafficApplied::appliedAt)
                    .min(Comparator.naturalOrder())
                    .ifPresent(times::add);
        }
        return times;
    }

    private static Instant earliest(List<Instant> times) {
        return times.stream().min(Comparator.naturalOrder()).orElseThrow();
    }

    private static Instant latest(List<Instant> times) {
        return times.stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    private static boolean applied(TrafficApplied report) {
        return report.outcome() == TrafficApplied.Outcome.APPLIED && report.served() != null;
    }

    private static double spanMs(List<Instant> times) {
        return sinceMs(earliest(times), latest(times));
    }

    // ---------------------------------------------------------------- burst

    private Map<String, Object> burst() throws Exception {
        Map<String, Object> row = burstThroughThePlanner();
        row.put("trafficReplicaAlone", trafficReplicaAlone());
        return row;
    }

    private Map<String, Object> burstThroughThePlanner() throws Exception {
        Path data = Files.createTempDirectory("glide-fleet-burst");
        try (GlideSystem glide = plannerAndTraffic(data, 1, 1);
                FleetListener listener = new FleetListener(glide.bootstrapServers(), codec)) {
            PlannerApi planner = new PlannerApi(glide.plannerUrl());
            List<String> bursting = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                bursting.add("burst-" + i);
            }
            List<String> victims = new ArrayList<>();
            for (int i = 0; i < aborts; i++) {
                victims.add("victim-" + i);
            }
            all(
                    bursting,
                    service -> {
                        register(planner, service, CANARY_STRATEGY);
                        return null;
                    });
            all(
                    victims,
                    service -> {
                        register(
                                planner,
                                service,
                                "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{\"duration\":\"1h\"}}]}");
                        return null;
                    });

            // the first bursts run right after the services start (their code still cold)
            List<Map<String, Object>> afterStart = new ArrayList<>();
            for (int round = 0; round < warmUp; round++) {
                afterStart.add(burstRound(planner, listener, bursting, victims, round));
            }

            // the same aborts with nothing else going on
            Latencies quiet = new Latencies();
            for (String victim : victims) {
                String id = releaseAndAwaitCanary(planner, listener, victim, "quiet");
                quiet.add(abortAndAwaitStable(planner, listener, id));
            }

            Map<String, Object> row = burstRound(planner, listener, bursting, victims, warmUp);
            row.put("abortQuietMs", quiet.summary());
            if (!afterStart.isEmpty()) {
                row.put("afterStart", afterStart.get(0));
            }
            System.out.printf(
                    "  burst: %d releases, %s steps at %s a second; abort p99 %.0f ms under the burst, %.0f ms quiet%n",
                    burst,
                    row.get("steps"),
                    row.get("stepsAppliedPerSecond"),
                    ((Map<?, ?>) row.get("abortUnderBurstMs")).get("p99"),
                    quiet.percentile(99));
            return row;
        }
    }

    /**
     * One burst: every bursting service releases a new version at once while each victim, paused at
     * its canary weight, is aborted one every 200 ms from 300 ms into the burst.
     */
    private Map<String, Object> burstRound(
            PlannerApi planner,
            FleetListener listener,
            List<String> bursting,
            List<String> victims,
            int round)
            throws Exception {
        String version = "v" + (round + 2);
        List<String> waiting = new ArrayList<>();
        for (String victim : victims) {
            waiting.add(releaseAndAwaitCanary(planner, listener, victim, version));
        }
        Instant burstStart = Instant.now();
        System.out.printf("  burst of %d releases starts at %s%n", burst, burstStart);
        List<CompletableFuture<String>> released = new ArrayList<>();
        for (String service : bursting) {
            released.add(
                    CompletableFuture.supplyAsync(() -> release(planner, service, version), pool));
        }
        Latencies underBurst = new Latencies();
        abortAnswered = new Latencies();
        abortPublished = new Latencies();
        abortApplied = new Latencies();
        Thread.sleep(300);
        for (String id : waiting) {
            underBurst.add(abortAndAwaitStable(planner, listener, id));
            Thread.sleep(200);
        }
        List<String> ids = released.stream().map(CompletableFuture::join).toList();
        await(
                () -> {
                    for (String id : ids) {
                        if (listener.reportsOf(id).stream()
                                        .filter(a -> applied(a) && a.served().canary() == 100)
                                        .count()
                                < 2) {
                            return false;
                        }
                    }
                    return true;
                },
                Duration.ofMinutes(10));
        double seconds = Duration.between(burstStart, Instant.now()).toMillis() / 1000.0;

        StepLedger ledger = new StepLedger();
        Latencies plannerStep = new Latencies();
        Latencies trafficStep = new Latencies();
        Latencies outboxWait = new Latencies();
        Latencies brokerToConfirmed = new Latencies();
        List<Instant> emitted = new ArrayList<>();
        List<Instant> confirmed = new ArrayList<>();
        for (String id : ids) {
            List<RolloutStep> steps = new ArrayList<>(listener.stepsOf(id));
            steps.sort(Comparator.comparingLong(RolloutStep::sequence));
            listener.reportsOf(id).forEach(ledger::report);
            for (int k = 0; k < steps.size(); k++) {
                RolloutStep step = steps.get(k);
                ledger.expect(id, step.sequence());
                Optional<Instant> confirmation =
                        listener.reportsOf(id).stream()
                                .filter(a -> applied(a) && a.sequence() == step.sequence())
                                .map(TrafficApplied::appliedAt)
                                .findFirst();
                emitted.add(step.emittedAt());
                if (confirmation.isEmpty()) {
                    continue;
                }
                confirmed.add(confirmation.get());
                Instant published = listener.stepPublished.get(id + "/" + step.sequence());
                if (published != null) {
                    outboxWait.add(sinceMs(step.emittedAt(), published));
                    brokerToConfirmed.add(sinceMs(published, confirmation.get()));
                }
                trafficStep.add(sinceMs(step.emittedAt(), confirmation.get()));
                if (k + 1 < steps.size()) {
                    plannerStep.add(sinceMs(confirmation.get(), steps.get(k + 1).emittedAt()));
                }
            }
        }
        double stepSeconds = sinceMs(earliest(emitted), latest(confirmed)) / 1000;
        clean &= ledger.lost() == 0 && ledger.duplicated() == 0;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("releases", burst);
        row.put("steps", confirmed.size());
        row.put("burstSeconds", Latencies.round(seconds));
        row.put("stepsAppliedPerSecond", Math.round(confirmed.size() / stepSeconds));
        row.put("abortUnderBurstMs", underBurst.summary());
        row.put(
                "abortUnderBurstStagesMs",
                Map.of(
                        "askedToAnswered", abortAnswered.summary(),
                        "answeredToStepOnBroker", abortPublished.summary(),
                        "stepOnBrokerToReadBack", abortApplied.summary()));
        row.put("plannerStepLatencyMs", plannerStep.summary());
        row.put("trafficStepLatencyMs", trafficStep.summary());
        row.put("stepEmittedToPublishedMs", outboxWait.summary());
        row.put("stepPublishedToConfirmedMs", brokerToConfirmed.summary());
        row.put("stepsLost", ledger.lost());
        row.put("stepsDuplicated", ledger.duplicated());
        row.put(
                "setup",
                "1 planner, 1 traffic replica, no-op gateway, 6 partitions; each release 10 -> 50 -> 100 % and"
                        + " promotion; the aborted rollouts wait paused at 10 %, aborted one every 200 ms from"
                        + " 300 ms into the burst; abort = POST .../abort answered -> the gateway's read-back at 0 %");
        return row;
    }

    /**
     * One traffic replica alone on the no-op gateway, fed the burst's steps (as many routes as the
     * burst has releases, four steps each) all at once, faster than it applies them: the steps it
     * applies a second when nothing upstream limits it. A first round warms its code up.
     */
    private Map<String, Object> trafficReplicaAlone() throws Exception {
        Path data = Files.createTempDirectory("glide-fleet-traffic");
        try (GlideSystem glide = system(data, "traffic-service").start();
                FleetListener listener = new FleetListener(glide.bootstrapServers(), codec);
                KafkaProducer<String, String> producer =
                        BenchKafka.producer(glide.bootstrapServers(), 5)) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int round = 0; round <= warmUp; round++) {
                List<String> ids = new ArrayList<>();
                List<Integer> weights = List.of(10, 50, 100, 0);
                Instant start = Instant.now();
                for (int i = 0; i < burst; i++) {
                    String id = "alone-" + round + "-" + i;
                    ids.add(id);
                    GatewayBinding binding = new GatewayBinding("noop", "alone-" + i, null, null);
                    for (int k = 0; k < weights.size(); k++) {
                        RolloutStep step =
                                new RolloutStep(
                                        RolloutStep.SCHEMA_VERSION,
                                        id,
                                        k + 1,
                                        "alone-" + i,
                                        "fleet",
                                        new Backend("v" + round, List.of("http://127.0.0.1:1")),
                                        new Backend(
                                                "v" + (round + 1), List.of("http://127.0.0.1:2")),
                                        Weights.canaryPercent(weights.get(k)),
                                        List.of(),
                                        binding,
                                        null,
                                        Instant.now(),
                                        null);
                        producer.send(
                                new ProducerRecord<>(Topics.ROLLOUT_STEPS, id, codec.encode(step)));
                    }
                }
                producer.flush();
                Instant published = Instant.now();
                await(
                        () ->
                                ids.stream()
                                        .allMatch(
                                                id ->
                                                        listener.reportsOf(id).stream()
                                                                        .filter(Fleet::applied)
                                                                        .count()
                                                                >= weights.size()),
                        Duration.ofMinutes(5));
                StepLedger ledger = new StepLedger();
                Instant last = start;
                for (String id : ids) {
                    for (long k = 1; k <= weights.size(); k++) {
                        ledger.expect(id, k);
                    }
                    for (TrafficApplied answer : listener.reportsOf(id)) {
                        ledger.report(answer);
                        if (answer.appliedAt().isAfter(last)) {
                            last = answer.appliedAt();
                        }
                    }
                }
                double seconds = sinceMs(start, last) / 1000;
                Map<String, Object> measured = new LinkedHashMap<>();
                measured.put("routes", burst);
                measured.put("steps", burst * weights.size());
                measured.put("publishedInMs", Duration.between(start, published).toMillis());
                measured.put("seconds", Latencies.round(seconds));
                measured.put("stepsAppliedPerSecond", Math.round(burst * weights.size() / seconds));
                measured.put("stepsLost", ledger.lost());
                measured.put("stepsDuplicated", ledger.duplicated());
                clean &= ledger.lost() == 0 && ledger.duplicated() == 0;
                if (round < warmUp) {
                    row.putIfAbsent("afterStart", measured);
                } else {
                    row.putAll(measured);
                }
            }
            row.put(
                    "setup",
                    "the traffic service alone (1 replica, no-op gateway, 6 partitions): every route's"
                            + " four steps (10, 50, 100, 0 %) put on rollout-steps at once; from the"
                            + " first put to the last read-back");
            System.out.printf(
                    "  one traffic replica alone: %s steps applied a second%n",
                    row.get("stepsAppliedPerSecond"));
            return row;
        }
    }

    private String releaseAndAwaitCanary(
            PlannerApi planner, FleetListener listener, String service, String version)
            throws Exception {
        String id = release(planner, service, version);
        await(
                () ->
                        listener.reportsOf(id).stream()
                                .anyMatch(a -> applied(a) && a.served().canary() == 10),
                Duration.ofMinutes(2));
        return id;
    }

    /** Aborts the rollout; the time from the abort answered to the gateway read back at 0 %. */
    private double abortAndAwaitStable(PlannerApi planner, FleetListener listener, String id)
            throws Exception {
        Instant asked = Instant.now();
        planner.call("POST", "/api/rollouts/" + id + "/abort?actor=fleet-bench", null);
        Instant answered = Instant.now();
        await(
                () ->
                        listener.reportsOf(id).stream()
                                .anyMatch(a -> applied(a) && a.served().canary() == 0),
                Duration.ofMinutes(2));
        TrafficApplied back =
                listener.reportsOf(id).stream()
                        .filter(a -> applied(a) && a.served().canary() == 0)
                        .min(Comparator.comparing(TrafficApplied::appliedAt))
                        .orElseThrow();
        Instant published = listener.stepPublished.get(id + "/" + back.sequence());
        if (published != null) {
            abortAnswered.add(sinceMs(asked, answered));
            abortPublished.add(sinceMs(answered, published));
            abortApplied.add(sinceMs(published, back.appliedAt()));
        }
        return sinceMs(asked, back.appliedAt());
    }

    // ---------------------------------------------------------------- scale

    private Map<String, Object> scale() throws Exception {
        ScaleOut scaleOut = new ScaleOut();
        scaleOut.root = root;
        scaleOut.rollouts = scaleRollouts;
        scaleOut.warmUp = warmUp;
        scaleOut.init();
        Map<String, Object> rows = new LinkedHashMap<>();
        for (int replicas = 1; replicas <= 3; replicas++) {
            Map<String, Object> row = scaleOut.measure(replicas);
            clean &=
                    ((Number) row.get("stepsLost")).longValue() == 0
                            && ((Number) row.get("stepsDuplicated")).longValue() == 0;
            rows.put(replicas + " planner + " + replicas + " traffic", row);
        }
        return rows;
    }

    // ---------------------------------------------------------------- live views

    private Map<String, Object> liveViews() throws Exception {
        Path data = Files.createTempDirectory("glide-fleet-streams");
        try (GlideSystem glide = system(data, "planner-service").start()) {
            PlannerApi planner = new PlannerApi(glide.plannerUrl());
            long plannerPid = glide.service("planner-service").pid();
            // 50 rollouts waiting for a traffic service that is not there: nothing changes
            List<String> services = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                services.add("quiet-" + i);
            }
            List<String> ids =
                    all(
                            services,
                            service -> {
                                register(planner, service, CANARY_STRATEGY);
                                return release(planner, service, "v2");
                            });
            String watched = ids.get(0);
            Thread.sleep(5000); // the releases' own writes settle
            double[] idle = cpu(plannerPid, Duration.ofSeconds(20));

            List<Stream> open = new ArrayList<>();
            int perRollout =
                    streams / 5; // a fifth watch one rollout (glide watch), the rest a list
            for (int i = 0; i < streams; i++) {
                String path =
                        i < perRollout
                                ? "/api/rollouts/" + watched + "/stream"
                                : "/api/rollouts/stream";
                open.add(new Stream(http, URI.create(glide.plannerUrl() + path)));
            }
            await(() -> open.stream().allMatch(s -> s.events > 0), Duration.ofMinutes(2));
            Thread.sleep(3000);
            double[] watching = cpu(plannerPid, Duration.ofSeconds(20));

            long before = System.nanoTime();
            open.forEach(Stream::expectChange);
            planner.call("POST", "/api/rollouts/" + watched + "/abort?actor=fleet-bench", null);
            await(() -> open.stream().allMatch(s -> s.changedAt > 0), Duration.ofMinutes(1));
            Latencies reach = new Latencies();
            open.forEach(s -> reach.add((s.changedAt - before) / 1e6));
            open.forEach(Stream::close);
            double cost = watching[0] + watching[1] - idle[0] - idle[1];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("streams", streams);
            row.put("listStreams", streams - perRollout);
            row.put("rolloutStreams", perRollout);
            row.put(
                    "cpuCoresIdle",
                    Map.of(
                            "noStreams",
                            Map.of("planner", round3(idle[0]), "postgres", round3(idle[1])),
                            "withStreams",
                            Map.of(
                                    "planner",
                                    round3(watching[0]),
                                    "postgres",
                                    round3(watching[1]))));
            row.put("streamsCostCores", round3(cost));
            row.put("changeReachesAllMs", reach.summary());
            System.out.printf(
                    "  live views: %d open cost %.3f of a core while nothing changes; a change reached all within %.0f ms (p99)%n",
                    streams, cost, reach.percentile(99));
            return row;
        }
    }

    /** The planner's and PostgreSQL's CPU over {@code span}, in cores. */
    private static double[] cpu(long plannerPid, Duration span) throws InterruptedException {
        double planner = Cpu.seconds(plannerPid);
        double postgres = Cpu.postgresSeconds();
        Thread.sleep(span.toMillis());
        double seconds = span.toMillis() / 1000.0;
        return new double[] {
            (Cpu.seconds(plannerPid) - planner) / seconds,
            (Cpu.postgresSeconds() - postgres) / seconds
        };
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** One open server-sent event stream, counting its events and noting the first after a mark. */
    private static final class Stream implements Flow.Subscriber<String> {
        volatile int events;
        volatile long changedAt;
        private volatile boolean expecting;
        private volatile Flow.Subscription subscription;

        Stream(HttpClient http, URI uri) {
            http.sendAsync(
                    HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(this));
        }

        void expectChange() {
            expecting = true;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("data:")) {
                events++;
                if (expecting && changedAt == 0) {
                    changedAt = System.nanoTime();
                }
            }
        }

        @Override
        public void onError(Throwable failure) {}

        @Override
        public void onComplete() {}

        void close() {
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    // ---------------------------------------------------------------- shared

    private GlideSystem plannerAndTraffic(Path data, int planners, int traffic) {
        return system(data, "planner-service", "traffic-service")
                .replicas("planner-service", planners)
                .replicas("traffic-service", traffic)
                .start();
    }

    /** These services on real Kafka (6 partitions) and PostgreSQL, logging warnings only. */
    private GlideSystem.Builder system(Path data, String... services) {
        return GlideSystem.builder(root)
                .dataDir(data)
                .partitions(6)
                .only(services)
                .setAll("quarkus.log.level", "WARN");
    }

    private static void register(PlannerApi planner, String service, String strategy)
            throws Exception {
        planner.call(
                "PUT",
                "/api/services/" + service,
                JSON.readTree(
                        "{\"team\":\"fleet\",\"gateway\":{\"adapter\":\"noop\",\"route\":\""
                                + service
                                + "\"},\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:1\"]},"
                                + "\"releasePolicy\":\"supersede\",\"strategy\":"
                                + strategy
                                + "}"));
    }

    private static String release(PlannerApi planner, String service, String version) {
        try {
            return planner.call(
                            "POST",
                            "/api/releases",
                            Map.of(
                                    "service",
                                    service,
                                    "version",
                                    version,
                                    "environment",
                                    "fleet",
                                    "endpoints",
                                    List.of("http://127.0.0.1:2")))
                    .path("rolloutId")
                    .asText();
        } catch (Exception e) {
            throw new IllegalStateException("could not release " + service, e);
        }
    }

    interface Each<T> {
        T on(String item) throws Exception;
    }

    /** {@code each} for every item, 16 at a time; the answers in the items' order. */
    private <T> List<T> all(List<String> items, Each<T> each) {
        Map<String, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (String item : items) {
            futures.put(
                    item,
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return each.on(item);
                                } catch (Exception e) {
                                    throw new IllegalStateException(
                                            item + ": " + e.getMessage(), e);
                                }
                            },
                            pool));
        }
        List<T> answers = new ArrayList<>();
        futures.values().forEach(f -> answers.add(f.join()));
        return answers;
    }

    private static void await(Callable<Boolean> condition, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
    }
}
