package dev.glide.bench;

import static org.awaitility.Awaitility.await;

import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.Weights;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.FreePorts;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.NginxProcess;
import dev.glide.testsupport.TopicProbe;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateways under load: hey sends requests on loopback through the embedded gateway, a real
 * HAProxy and a real NGINX (each where installed) while rollout steps arrive on Kafka and the
 * traffic service (its packaged JVM, on a real broker and PostgreSQL) applies them — a canary ramp
 * 1 -> 5 -> 25 -> 50 -> 100, a blue-green switch, and an abort. Reports requests sent and failed
 * per phase, the canary share the versions really received against the one configured (counted at
 * the versions themselves, over at least {@code --requests-per-share} requests), the latency the
 * gateway adds against calling the version directly, and the time from a step's emission to its
 * weights verified by read-back.
 */
@Command(name = "traffic-gateways", mixinStandardHelpOptions = true)
public class TrafficGateways implements Callable<Integer> {

    private static final double[] RAMP = {1, 5, 25, 50, 100};

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(names = "--clients", description = "hey's concurrent connections", defaultValue = "8")
    int clients;

    @Option(
            names = "--requests-per-share",
            description = "requests counted at each canary weight",
            defaultValue = "12000")
    int requestsPerShare;

    @Option(
            names = "--step-samples",
            description = "extra steps applied under load for the step -> verified times",
            defaultValue = "40")
    int stepSamples;

    @Option(
            names = "--latency-seconds",
            description = "seconds of load for each latency measurement",
            defaultValue = "8")
    int latencySeconds;

    private EventCodec codec;
    private TopicProbe probe;
    private final Map<String, Object> phases = new LinkedHashMap<>();
    private final Map<String, Object> shares = new LinkedHashMap<>();
    private final Map<String, Object> latency = new LinkedHashMap<>();
    private final Map<String, Object> stepTimes = new LinkedHashMap<>();
    private long sent;
    private long failed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrafficGateways()).execute(args));
    }

    /** One gateway under test: how a step names it, and where clients reach it. */
    private record Gateway(
            String name, URI entry, GatewayBinding forward, GatewayBinding reversed) {}

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        Path data = Files.createTempDirectory("glide-traffic-bench");
        BenchReport report = new BenchReport("traffic-gateways");
        // NGINX first: the traffic service is told where its files go and how to reload it
        NginxProcess nginx =
                DebianTool.Tool.NGINX.installed()
                        ? NginxProcess.start(data.resolve("nginx"))
                        : null;
        GlideSystem.Builder builder =
                GlideSystem.builder(root).dataDir(data).partitions(3).only("traffic-service");
        if (nginx != null) {
            builder.set("traffic-service", "glide.gateway.nginx.binary", nginx.binary())
                    .set("traffic-service", "glide.gateway.nginx.conf", nginx.conf())
                    .set(
                            "traffic-service",
                            "glide.gateway.nginx.include-dir",
                            nginx.includeDir().toString());
        }
        try (GlideSystem glide = builder.start();
                UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2")) {
            probe = new TopicProbe(glide.bootstrapServers());
            String route = "/bench";
            measure(
                    new Gateway(
                            "embedded",
                            URI.create(glide.gatewayUrl() + route + "/"),
                            new GatewayBinding("embedded", route, null, null),
                            new GatewayBinding("embedded", route, null, null)),
                    v1,
                    v2,
                    URI.create(v1.endpoint() + route + "/"));
            if (Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
                try (HaproxyProcess haproxy =
                        HaproxyProcess.start(data.resolve("haproxy"), v1.port(), v2.port())) {
                    // HAProxy's servers keep their addresses: server "stable" is v1, "canary" is
                    // v2. A blue-green
                    // switch back to v1 names them the other way round, as slots alternate in a
                    // real blue-green.
                    measure(
                            new Gateway(
                                    "haproxy",
                                    URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"),
                                    new GatewayBinding(
                                            "haproxy",
                                            HaproxyProcess.BACKEND,
                                            "stable",
                                            "canary",
                                            haproxy.runtimeApi()),
                                    new GatewayBinding(
                                            "haproxy",
                                            HaproxyProcess.BACKEND,
                                            "canary",
                                            "stable",
                                            haproxy.runtimeApi())),
                            v1,
                            v2,
                            URI.create(v1.endpoint() + "/"));
                }
            } else {
                phases.put(
                        "haproxy",
                        Map.of("skipped", "haproxy is not installed (apt-get install haproxy)"));
            }
            if (nginx != null) {
                // the route's own server on a port of its own; NGINX's upstreams are the versions,
                // in another process (the bench), as in production
                String listen = "127.0.0.1:" + FreePorts.pick();
                GatewayBinding binding =
                        new GatewayBinding("nginx", "bench.local", null, null, listen);
                measure(
                        new Gateway(
                                "nginx", URI.create("http://" + listen + "/"), binding, binding),
                        v1,
                        v2,
                        URI.create(v1.endpoint() + "/"));
            } else {
                phases.put(
                        "nginx",
                        Map.of("skipped", "nginx is not installed (apt-get install nginx)"));
            }
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
        report.put("requestsSent", sent);
        report.put("failedRequests", failed);
        report.put("phases", phases);
        report.put("canaryShare", shares);
        report.put("latencyMs", latency);
        report.put("stepToVerifiedMs", stepTimes);
        report.put("load", "hey, " + clients + " connections, keep-alive, on loopback");
        report.put(
                "stepTimes",
                "from the step's emission (stamped as the planner does) to the traffic service's read-back"
                        + " confirming it; each gateway's first step, which waits for the consumer to find the new topic, is not counted");
        report.put("targets", Map.of("failedRequests", 0, "shareWithinPp", 0.5));
        report.print();
        report.write(root.resolve("bench/results/traffic-gateways.json"));
        return failed == 0 ? 0 : 1;
    }

    private void measure(Gateway gateway, UpstreamServer v1, UpstreamServer v2, URI direct) {
        Backend one = new Backend("v1", List.of(v1.endpoint()));
        Backend two = new Backend("v2", List.of(v2.endpoint()));
        Latencies verified = new Latencies();
        String run = gateway.name() + "-" + Long.toString(System.nanoTime(), 36);

        // Not counted: the first step waits for the traffic service's consumer to find the newly
        // created topic.
        String setup = run + "-setup";
        apply(setup, 1, one, two, 0, gateway.forward(), new Latencies());
        Hey.run(gateway.entry(), clients, Duration.ofSeconds(2)); // warm-up: JIT, connection pools
        Hey.Result straight = Hey.run(direct, clients, Duration.ofSeconds(latencySeconds));
        Hey.Result through = Hey.run(gateway.entry(), clients, Duration.ofSeconds(latencySeconds));
        Map<String, Object> latencyRow = new LinkedHashMap<>();
        latencyRow.put("directP50", round(straight.p50Ms()));
        latencyRow.put("directP99", round(straight.p99Ms()));
        latencyRow.put("gatewayP50", round(through.p50Ms()));
        latencyRow.put("gatewayP99", round(through.p99Ms()));
        latencyRow.put("addedP50", round(through.p50Ms() - straight.p50Ms()));
        latencyRow.put("addedP99", round(through.p99Ms() - straight.p99Ms()));
        latency.put(gateway.name(), latencyRow);
        count(gateway.name() + " latency", through);

        // A canary ramp, each weight held until the versions have counted enough requests to
        // measure its share.
        String ramp = run + "-ramp";
        try (Hey load = Hey.start(gateway.entry(), clients, Duration.ofMinutes(10))) {
            apply(ramp, 1, one, two, 0, gateway.forward(), verified);
            for (int i = 0; i < RAMP.length; i++) {
                TrafficApplied applied =
                        apply(ramp, i + 2, one, two, RAMP[i], gateway.forward(), verified);
                long before1 = v1.served();
                long before2 = v2.served();
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(50))
                        .until(
                                () ->
                                        v1.served() - before1 + v2.served() - before2
                                                >= requestsPerShare);
                long toCanary = v2.served() - before2;
                long total = toCanary + v1.served() - before1;
                double realised = 100.0 * toCanary / total;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("configuredPct", RAMP[i]);
                row.put("readBackPct", round(applied.served().canary()));
                row.put("realisedPct", round2(realised));
                row.put("offByPp", round2(realised - RAMP[i]));
                row.put("requests", total);
                shares.put(gateway.name() + " " + fmt(RAMP[i]) + " %", row);
            }
            count(gateway.name() + " canary ramp 1-5-25-50-100", load.stop());
        }

        // Blue-green: v2 now serves everything; the next release (v1 again, the other slot) takes
        // it in one switch.
        String blueGreen = run + "-blue-green";
        try (Hey load = Hey.start(gateway.entry(), clients, Duration.ofMinutes(5))) {
            apply(blueGreen, 1, two, one, 0, gateway.reversed(), verified);
            hold(v1, v2, requestsPerShare / 4);
            apply(blueGreen, 2, two, one, 100, gateway.reversed(), verified);
            long before2 = v2.served();
            hold(v1, v2, requestsPerShare / 4);
            if (v2.served() - before2 > clients) {
                throw new IllegalStateException(
                        gateway.name()
                                + ": v2 still got "
                                + (v2.served() - before2)
                                + " requests after the blue-green switch to v1");
            }
            count(gateway.name() + " blue-green switch", load.stop());
        }

        // An abort: a canary at 25 % sent back to all-stable in one step.
        String abort = run + "-abort";
        try (Hey load = Hey.start(gateway.entry(), clients, Duration.ofMinutes(5))) {
            apply(abort, 1, one, two, 0, gateway.forward(), verified);
            apply(abort, 2, one, two, 25, gateway.forward(), verified);
            hold(v1, v2, requestsPerShare / 4);
            apply(abort, 3, one, two, 0, gateway.forward(), verified);
            hold(v1, v2, requestsPerShare / 4);
            count(gateway.name() + " abort 25 -> 0", load.stop());
        }

        // More steps under load, for the step -> verified percentiles.
        String steps = run + "-steps";
        try (Hey load = Hey.start(gateway.entry(), clients, Duration.ofMinutes(5))) {
            for (int i = 1; i <= stepSamples; i++) {
                apply(steps, i, one, two, i % 2 == 0 ? 10 : 20, gateway.forward(), verified);
            }
            count(gateway.name() + " " + stepSamples + " steps 10 <-> 20", load.stop());
        }
        stepTimes.put(gateway.name(), verified.summary());
    }

    /**
     * Publishes a step as the planner would and waits for its read-back; adds emission -> verified
     * to the times.
     */
    private TrafficApplied apply(
            String rollout,
            long sequence,
            Backend stable,
            Backend canary,
            double canaryPct,
            GatewayBinding binding,
            Latencies verified) {
        Instant emitted = Instant.now();
        // stamped here as the planner stamps its steps; the read-back is stamped by the traffic
        // service, on this machine
        RolloutStep step =
                new RolloutStep(
                        RolloutStep.SCHEMA_VERSION,
                        rollout,
                        sequence,
                        "bench",
                        "bench",
                        stable,
                        canary,
                        Weights.canaryPercent(canaryPct),
                        List.of(),
                        binding,
                        null,
                        emitted);
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step));
        TrafficApplied applied =
                codec.decode(
                        probe.awaitRecord(
                                        Topics.TRAFFIC_APPLIED,
                                        Duration.ofSeconds(60),
                                        r ->
                                                rollout.equals(r.key())
                                                        && codec.decode(
                                                                                r.value(),
                                                                                TrafficApplied
                                                                                        .class)
                                                                        .sequence()
                                                                == sequence)
                                .value(),
                        TrafficApplied.class);
        if (applied.outcome() != TrafficApplied.Outcome.APPLIED) {
            throw new IllegalStateException(
                    rollout + " step " + sequence + " was not applied: " + applied.reason());
        }
        double ms = Duration.between(emitted, applied.appliedAt()).toNanos() / 1e6;
        verified.add(ms);
        if (ms > 500) {
            System.out.printf("  slow: %s step %d verified after %.0f ms%n", rollout, sequence, ms);
        }
        return applied;
    }

    private static void hold(UpstreamServer v1, UpstreamServer v2, long requests) {
        long before = v1.served() + v2.served();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> v1.served() + v2.served() - before >= requests);
    }

    private void count(String phase, Hey.Result result) {
        sent += result.requests();
        failed += result.failed();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("requests", result.requests());
        row.put("failedRequests", result.failed());
        if (!result.failures().isEmpty()) {
            row.put("failures", result.failures());
        }
        phases.put(phase, row);
        System.out.printf(
                "  %-40s %8d requests, %d failed%n", phase, result.requests(), result.failed());
    }

    private static String fmt(double pct) {
        return pct == Math.rint(pct) ? String.valueOf((long) pct) : String.valueOf(pct);
    }

    private static double round(double value) {
        return Latencies.round(value);
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
