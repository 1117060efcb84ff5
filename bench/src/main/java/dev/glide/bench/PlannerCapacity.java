package dev.glide.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.EmbeddedDatabase;
import dev.glide.testsupport.FreePorts;
import dev.glide.testsupport.KafkaBroker;
import dev.glide.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How many concurrent active rollouts one planner sustains, and its step latency while it holds
 * them.
 *
 * <p>Phase 1 (burst): {@code --rollouts} services are registered and released; every rollout walks
 * two canary steps, each answered at once, and then waits for promotion, so it stays active. Phase
 * 2 (steady): while those are active, {@code --paced} more rollouts walk many steps, answered
 * {@code --rate} a second for {@code --seconds}. Step latency: from sending the gateway's answer to
 * receiving the rollout's next step.
 */
@Command(name = "planner-capacity", mixinStandardHelpOptions = true)
public final class PlannerCapacity implements Callable<Integer> {

    private static final String WAITING =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"setWeight\":20},{\"pause\":{}}]}";

    @Option(
            names = "--rollouts",
            defaultValue = "10000",
            description = "Rollouts kept active (default: ${DEFAULT-VALUE}).")
    int rollouts;

    @Option(
            names = "--paced",
            defaultValue = "100",
            description = "Rollouts stepping at the steady rate (default: ${DEFAULT-VALUE}).")
    int paced;

    @Option(
            names = "--rate",
            defaultValue = "50",
            description = "Steady step answers a second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            description = "How long the steady phase runs (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description =
                    "Seconds of steady stepping before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--root", defaultValue = ".", description = "The Glide checkout, built.")
    Path root;

    @Option(
            names = "--out",
            defaultValue = "bench/results/planner-capacity.json",
            description = "Where the JSON goes.")
    Path out;

    private HttpClient http;
    private String base;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PlannerCapacity()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("glide-bench-");
        try (KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"), 0, 6);
                EmbeddedDatabase database = EmbeddedDatabase.start(null, 0)) {
            int port = FreePorts.pick();
            ServiceProcess planner =
                    ServiceProcess.start(
                            root.toAbsolutePath(),
                            "planner-service",
                            port,
                            Map.of(
                                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                                    "QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl(),
                                    "QUARKUS_LOG_LEVEL", "WARN"),
                            Files.createDirectories(work.resolve("logs")));
            try {
                planner.awaitHealthy(Duration.ofSeconds(120));
                http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
                base = planner.url();
                return measure(broker, planner, database);
            } finally {
                planner.stop();
            }
        }
    }

    private int measure(KafkaBroker broker, ServiceProcess planner, EmbeddedDatabase database)
            throws Exception {
        try (StepAcker acker = new StepAcker(broker.bootstrapServers())) {
            System.out.printf("registering and releasing %d rollouts...%n", rollouts);
            long begin = System.nanoTime();
            List<String> ids = releaseAll(rollouts, "bench", WAITING);
            double releaseSeconds = (System.nanoTime() - begin) / 1e9;
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (ids.stream().anyMatch(id -> acker.stepsOf(id) < 2)
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            double burstSeconds = (System.nanoTime() - begin) / 1e9;
            long burstSteps = ids.stream().mapToLong(acker::stepsOf).sum();
            System.out.printf(
                    "%d rollouts active after %.1f s; steady phase: %d steps/s for %d s...%n",
                    ids.size(), burstSeconds, rate, seconds);

            StringBuilder ramp = new StringBuilder("{\"type\":\"canary\",\"steps\":[");
            for (int w = 1; w < 100; w++) {
                ramp.append(w > 1 ? "," : "").append("{\"setWeight\":").append(w).append('}');
            }
            List<String> pacedIds = releaseAll(paced, "paced", ramp.append("]}").toString());
            pacedIds.forEach(acker::pace);
            acker.startPaced(rate);
            // The paced rollouts were just registered and released; their first steps meet that
            // burst of HTTP work.
            Thread.sleep(warmup * 1000L);
            acker.measure();
            Thread.sleep(seconds * 1000L);
            acker.stopPaced();

            Latencies[] stages =
                    breakdown(acker, pacedIds.subList(0, Math.min(10, pacedIds.size())));
            Latencies outboxWait = stages[1];
            long active = activeRollouts(database);
            long lost = (long) ids.size() * 2 - burstSteps;
            BenchReport report =
                    new BenchReport("planner-capacity")
                            .put("activeRollouts", active)
                            .put("rolloutsReleased", ids.size() + pacedIds.size())
                            .put(
                                    "releaseRequestsPerSecond",
                                    Math.round((ids.size() * 2) / releaseSeconds))
                            .put("burstSeconds", Latencies.round(burstSeconds))
                            .put("burstStepsPerSecond", Math.round(burstSteps / burstSeconds))
                            .put("burstStepLatencyMs", acker.burst.summary())
                            .put("steadyRatePerSecond", rate)
                            .put("steadyWarmupSeconds", warmup)
                            .put("steadySeconds", seconds)
                            .put("stepLatencyMs", acker.steady.summary())
                            .put("answerToInputLoggedMs", stages[0].summary())
                            .put("outboxWaitMs", outboxWait.summary())
                            .put("publishedToReceivedMs", stages[2].summary())
                            .put("stepsLost", lost)
                            .put("stepsDuplicated", acker.duplicates.get())
                            .put("plannerRssMb", BenchReport.rssMb(planner.pid()))
                            .put("plannerHeapMaxMb", 384);
            report.print();
            report.write(out);
            System.out.println("written to " + out);
            boolean met =
                    active >= rollouts
                            && acker.steady.percentile(99) < 100
                            && lost == 0
                            && acker.duplicates.get() == 0;
            System.out.println(
                    met
                            ? "targets met: " + rollouts + " active rollouts, step p99 < 100 ms"
                            : "targets NOT met (want "
                                    + rollouts
                                    + " active, step p99 < 100 ms, nothing lost or duplicated)");
            return 0;
        }
    }

    /**
     * Registers {@code count} services with {@code strategy} and releases each once; returns the
     * rollout ids.
     */
    private List<String> releaseAll(int count, String prefix, String strategy) {
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i : IntStream.range(0, count).toArray()) {
            String service = prefix + "-" + i;
            inFlight.acquireUninterruptibly();
            String registration =
                    "{\"team\":\"bench\",\"gateway\":{\"adapter\":\"noop\",\"route\":\""
                            + service
                            + "\"},"
                            + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},\"strategy\":"
                            + strategy
                            + "}";
            String release =
                    "{\"service\":\""
                            + service
                            + "\",\"version\":\"v2\",\"environment\":\"bench\","
                            + "\"endpoints\":[\"http://127.0.0.1:9002\"]}";
            futures.add(
                    send("PUT", "/api/services/" + service, registration)
                            .thenCompose(r -> send("POST", "/api/releases", release))
                            .thenApply(
                                    r ->
                                            r.body()
                                                    .replaceAll(
                                                            ".*\"rolloutId\":\"([^\"]+)\".*", "$1"))
                            .whenComplete((id, failure) -> inFlight.release()));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60))
                        .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response -> {
                            if (response.statusCode() / 100 != 2) {
                                throw new IllegalStateException(
                                        method
                                                + " "
                                                + path
                                                + " answered "
                                                + response.statusCode()
                                                + ": "
                                                + response.body());
                            }
                            return response;
                        });
    }

    /**
     * Where a paced step's latency goes in the measured window, from the rollouts' histories: [0]
     * answer sent -> the planner logs it as an input, [1] the next step logged -> published (the
     * outbox), [2] published -> received by the benchmark.
     */
    private Latencies[] breakdown(StepAcker acker, List<String> rolloutIds) throws Exception {
        Latencies toInput = new Latencies();
        Latencies outbox = new Latencies();
        Latencies delivery = new Latencies();
        ObjectMapper mapper = new ObjectMapper();
        for (String id : rolloutIds) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(base + "/api/rollouts/" + id + "/history"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            for (var entry : mapper.readTree(response.body())) {
                Instant occurred = Instant.parse(entry.path("occurredAt").asText());
                if (occurred.isBefore(acker.measuredFrom)) {
                    continue; // only the measured part of the steady phase
                }
                String type = entry.path("type").asText();
                if ("INPUT".equals(type)
                        && "TrafficConfirmed"
                                .equals(entry.path("payload").path("input").asText())) {
                    Instant answered =
                            acker.answeredWall.get(
                                    id + "/" + entry.path("payload").path("sequence").asLong());
                    if (answered != null) {
                        toInput.add(Duration.between(answered, occurred).toNanos() / 1e6);
                    }
                } else if ("STEP".equals(type) && entry.hasNonNull("publishedAt")) {
                    Instant published = Instant.parse(entry.path("publishedAt").asText());
                    outbox.add(Duration.between(occurred, published).toNanos() / 1e6);
                    Instant arrived =
                            acker.arrivedWall.get(id + "/" + entry.path("sequence").asLong());
                    if (arrived != null) {
                        delivery.add(Duration.between(published, arrived).toNanos() / 1e6);
                    }
                }
            }
        }
        return new Latencies[] {toInput, outbox, delivery};
    }

    /**
     * Counted in the planner's database: the API's list answers at most 1 000 rollouts, and this
     * counts 10 000.
     */
    private static long activeRollouts(EmbeddedDatabase database) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, "");
                ResultSet count =
                        connection
                                .createStatement()
                                .executeQuery(
                                        "select count(*) from planner.rollout"
                                                + " where state = 'PROGRESSING'")) {
            count.next();
            return count.getLong(1);
        }
    }
}
