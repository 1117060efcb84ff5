package dev.glide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.Durations;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.testsupport.EmbeddedDatabase;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.ServiceProcess;
import dev.glide.testsupport.UpstreamServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long run on real parts: two replicas of every service, a real broker and PostgreSQL, services
 * releasing one version after another through the embedded gateway under steady request load, one
 * release in ten a bad version the analysis must abort. Every minute it samples each JVM (heap
 * after a full GC, RSS, threads, open files), every table's row count, step latency (step published
 * to the gateway's confirmation) and the rollouts that ended. Then it fits a line through each
 * series after the warm-up and calls it flat when the fitted change over the run is within noise.
 */
@Command(name = "soak", mixinStandardHelpOptions = true)
public final class Soak implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "ABORTED", "FAILED");

    @Option(names = "--root", defaultValue = ".")
    Path root;

    @Option(
            names = "--minutes",
            defaultValue = "28",
            description =
                    "How long releases go out (default: ${DEFAULT-VALUE}; 2 000 rollouts take about 25 on 2 cores).")
    int minutes;

    @Option(
            names = "--services",
            defaultValue = "14",
            description = "Services releasing at once, one rollout after another each.")
    int services;

    @Option(
            names = "--rps",
            defaultValue = "16",
            description =
                    "Requests a second through the gateway per service, at a fixed rate from 4 clients"
                            + " (default: ${DEFAULT-VALUE}: the canary's 50 % gets about 16 a 2 s window, enough for"
                            + " the error-rate test to tell a version failing half its requests from a good one; a"
                            + " light load paced after each answer got 7 or fewer, and it could not always).")
    int rps;

    @Option(
            names = "--retention",
            defaultValue = "3m",
            description =
                    "glide.retention.ended-after for every service (default: ${DEFAULT-VALUE}); 'off' keeps everything.")
    String retention;

    private final HttpClient http = HttpClient.newHttpClient();
    private EventCodec codec;
    private GlideSystem glide;
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** Per minute: latencies of steps confirmed in it, and rollouts that ended in it. */
    private final Map<Integer, Latencies> stepLatency = new ConcurrentHashMap<>();

    private final Map<Integer, Latencies> rolloutDuration = new ConcurrentHashMap<>();
    private final Map<Integer, Map<String, AtomicInteger>> endedByMinute =
            new ConcurrentHashMap<>();
    private final StepLedger steps = new StepLedger();
    private final AtomicLong stuck = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();

    /** Why analysis let a bad version through, and why it paused (the first few): its verdicts. */
    private final Map<String, List<String>> badPromoted = new ConcurrentHashMap<>();

    private final Map<String, List<String>> pausedWhy = new ConcurrentHashMap<>();
    private Instant began;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Soak()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        codec = BenchCodec.create();
        Path data = Files.createTempDirectory("glide-soak");
        BenchReport report = new BenchReport("soak");
        List<Map<String, Object>> series = new ArrayList<>();
        List<LoadLoop> loads = new ArrayList<>();
        ExecutorService releasers = Executors.newFixedThreadPool(services);
        try (UpstreamServer good1 = UpstreamServer.start("good-1");
                UpstreamServer good2 = UpstreamServer.start("good-2");
                UpstreamServer bad = UpstreamServer.start("bad")) {
            bad.failRate(0.5);
            GlideSystem.Builder builder =
                    GlideSystem.builder(root)
                            .dataDir(data)
                            .partitions(6)
                            // 50 % of 10 requests a second: 10 canary requests in a 2 s window
                            .set("analysis-service", "glide.analysis.min-requests", "10")
                            .set("analysis-service", "glide.analysis.min-window-requests", "5");
            if (!"off".equals(retention)) {
                builder.setAll("glide.retention.ended-after", retention)
                        .setAll("glide.retention.interval", "30s");
            }
            for (String service : GlideSystem.SERVICES) {
                builder.replicas(service, 2);
            }
            glide = builder.start();
            Thread watcher = new Thread(this::watchSteps, "soak-steps");
            watcher.setDaemon(true);
            watcher.start();
            began = Instant.now();
            for (int i = 0; i < services; i++) {
                String name = "soak-" + i;
                register(name, good1.endpoint());
            }
            Instant until = began.plus(Duration.ofMinutes(minutes));
            for (int i = 0; i < services; i++) {
                int index = i;
                releasers.submit(
                        () -> releaseLoop("soak-" + index, until, good1, good2, bad, loads));
            }
            int minute = 0;
            while (minute < minutes) {
                Instant next = began.plus(Duration.ofMinutes(minute + 1));
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), next).toMillis()));
                minute++;
                Map<String, Object> sample = sample(minute, data, loads);
                series.add(sample);
                System.out.printf(
                        "  minute %2d: %s rollouts ended, step p99 %s ms, heap %s MB, rss %s MB, threads %s, files %s, log rows %s%n",
                        minute,
                        sample.get("rolloutsEnded"),
                        ((Map<?, ?>) sample.get("stepLatencyMs")).get("p99"),
                        sample.get("heapAfterGcMbTotal"),
                        sample.get("rssMbTotal"),
                        sample.get("threadsTotal"),
                        sample.get("openFilesTotal"),
                        ((Map<?, ?>) sample.get("rows")).get("planner.aggregate_log"));
            }
            running.set(false);
            releasers.shutdown();
            releasers.awaitTermination(3, TimeUnit.MINUTES);
            loads.forEach(LoadLoop::close);
            Thread.sleep(5_000); // the last confirmations arrive

            long sent = loads.stream().mapToLong(LoadLoop::sent).sum();
            long gatewayFailed = loads.stream().mapToLong(LoadLoop::gatewayFailed).sum();
            long upstreamFailed = loads.stream().mapToLong(LoadLoop::failed).sum() - gatewayFailed;
            Map<String, Integer> totals = new TreeMap<>();
            endedByMinute
                    .values()
                    .forEach(
                            m ->
                                    m.forEach(
                                            (state, n) ->
                                                    totals.merge(state, n.get(), Integer::sum)));
            long lost = steps.lost();
            long duplicated = steps.duplicated();
            int warmup = "off".equals(retention) ? 3 : (int) Math.ceil(minutesOf(retention)) + 3;
            report.put(
                    "setup",
                    "2 replicas of each service, 1 Kafka broker, 6 partitions; "
                            + services
                            + " services releasing one version after another for "
                            + minutes
                            + " min through the embedded gateway (canary 50 % -> analysis 2 x 2 s -> 100 %),"
                            + " every 10th release a version failing half its requests; "
                            + rps
                            + " requests/s per service through the gateway; retention "
                            + retention
                            + "; a sample every minute, trends fitted from minute "
                            + warmup);
            report.put("rollouts", released.get());
            report.put("rolloutsEnded", totals);
            report.put("rolloutsNotEnded", stuck.get());
            report.put("rolloutsPausedInconclusive", paused.get());
            report.put("badVersionsPromoted", new TreeMap<>(badPromoted));
            report.put("pausedInconclusiveFirst20", new TreeMap<>(pausedWhy));
            report.put("requests", sent);
            report.put("failedRequests", gatewayFailed);
            report.put(
                    "failedRequestsFirst",
                    loads.stream().flatMap(l -> l.gatewayFailures().stream()).limit(10).toList());
            report.put("upstreamErrors", upstreamFailed);
            report.put("stepsLost", lost);
            report.put("stepsDuplicated", duplicated);
            Latencies allSteps = new Latencies();
            stepLatency.values().forEach(l -> l.copyInto(allSteps));
            report.put("stepLatencyMs", allSteps.summary());
            report.put("trends", trends(series, warmup));
            report.put("series", series);
            report.put(
                    "definitions",
                    Map.of(
                            "heapAfterGcMb",
                                    "heap used right after a full GC (jcmd GC.run, GC.heap_info), per JVM",
                            "stepLatencyMs",
                                    "from a step's record on rollout-steps to the gateway's confirmation on traffic-applied",
                            "failedRequests",
                                    "requests the gateway failed (no route, 502/503/504, refused); a bad version's own 500s are upstreamErrors",
                            "stepsLost", StepLedger.LOST,
                            "stepsDuplicated", StepLedger.DUPLICATED,
                            "trends",
                                    "least-squares slope per hour after the warm-up, and the fitted change over the run as a share of the mean; flat when that change is under 10 % or the slope's 95 % interval holds 0"));
        } finally {
            running.set(false);
            releasers.shutdownNow();
            loads.forEach(LoadLoop::close);
            if (glide != null) {
                glide.close();
            }
        }
        report.print();
        report.write(root.resolve("bench/results/soak.json"));
        return 0;
    }

    private static double minutesOf(String duration) {
        return Durations.parse(duration).toSeconds() / 60.0;
    }

    private void register(String name, String stable) throws Exception {
        call(
                "PUT",
                "/api/services/" + name,
                "{\"team\":\"soak\",\"gateway\":{\"adapter\":\"embedded\",\"route\":\"/"
                        + name
                        + "\"},\"stable\":{\"version\":\"v0\",\"endpoints\":[\""
                        + stable
                        + "\"]},\"strategy\":{\"type\":\"canary\",\"steps\":[{\"setWeight\":50},"
                        + "{\"analysis\":{\"metrics\":[\"error-rate\"],\"interval\":\"2s\",\"count\":2}},"
                        + "{\"setWeight\":100}]}}");
    }

    /** One service: release, wait for the end, release the next, until time is up. */
    private void releaseLoop(
            String service,
            Instant until,
            UpstreamServer good1,
            UpstreamServer good2,
            UpstreamServer bad,
            List<LoadLoop> loads) {
        String stable = good1.endpoint();
        boolean loaded = false;
        int version = 1;
        // the first release of each service only makes its route (no load runs before it, so its
        // analysis cannot decide): not counted, never a bad version
        boolean warmUp = true;
        while (running.get() && Instant.now().isBefore(until)) {
            boolean failing = !warmUp && released.incrementAndGet() % 10 == 0;
            String canary =
                    failing
                            ? bad.endpoint()
                            : stable.equals(good1.endpoint()) ? good2.endpoint() : good1.endpoint();
            Instant start = Instant.now();
            try {
                String id =
                        JSON.readTree(
                                        call(
                                                "POST",
                                                "/api/releases",
                                                "{\"service\":\""
                                                        + service
                                                        + "\",\"version\":\"v"
                                                        + version
                                                        + "\",\"environment\":\"soak\",\"endpoints\":[\""
                                                        + canary
                                                        + "\"]}"))
                                .path("rolloutId")
                                .asText();
                version++;
                String state = "PENDING";
                Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
                while (!ENDED.contains(state) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                    JsonNode rollout = JSON.readTree(call("GET", "/api/rollouts/" + id, null));
                    state = rollout.path("state").asText();
                    if (!loaded && rollout.path("step").asInt() >= 2) {
                        // the route exists in the gateway now: its steady load starts
                        synchronized (loads) {
                            loads.add(
                                    LoadLoop.atRate(
                                            URI.create(glide.gatewayUrl() + "/" + service + "/"),
                                            4,
                                            rps));
                        }
                        loaded = true;
                    }
                    if ("PAUSED".equals(state)) {
                        // an inconclusive analysis waits for a person: the soak decides as one
                        // would, knowing which version is bad, and counts it
                        if (!warmUp) {
                            paused.incrementAndGet();
                            if (pausedWhy.size() < 20) {
                                pausedWhy.put(id + " (" + service + ")", verdicts(id));
                            }
                        }
                        try {
                            call(
                                    "POST",
                                    "/api/rollouts/"
                                            + id
                                            + (failing ? "/abort" : "/promote")
                                            + "?actor=soak",
                                    null);
                        } catch (IllegalStateException moved) {
                            // it moved on meanwhile (409): nothing to decide
                        }
                    }
                }
                if (warmUp) {
                    warmUp = false;
                    if ("SUCCEEDED".equals(state)) {
                        stable = canary;
                    }
                    continue;
                }
                if (!ENDED.contains(state)) {
                    stuck.incrementAndGet();
                    System.out.printf(
                            "    %s: rollout %s still %s after 2 minutes%n", service, id, state);
                    call("POST", "/api/rollouts/" + id + "/abort?actor=soak", null);
                    continue;
                }
                if (failing && "SUCCEEDED".equals(state)) {
                    badPromoted.put(id + " (" + service + ")", verdicts(id));
                    System.out.printf(
                            "    %s: bad version promoted (%s): %s%n",
                            service, id, badPromoted.get(id + " (" + service + ")"));
                }
                int minute = minuteNow();
                endedByMinute
                        .computeIfAbsent(minute, m -> new ConcurrentHashMap<>())
                        .computeIfAbsent(
                                state + (failing ? " (bad version)" : " (good version)"),
                                s -> new AtomicInteger())
                        .incrementAndGet();
                rolloutDuration
                        .computeIfAbsent(minute, m -> new Latencies())
                        .add(Duration.between(start, Instant.now()).toMillis());
                if ("SUCCEEDED".equals(state)) {
                    stable = canary;
                }
            } catch (Exception e) {
                System.out.printf("    %s: %s%n", service, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** The analysis verdicts in a rollout's log: window, verdict, score and summary. */
    private List<String> verdicts(String id) {
        List<String> found = new ArrayList<>();
        try {
            for (JsonNode entry :
                    JSON.readTree(call("GET", "/api/rollouts/" + id + "/history", null))) {
                JsonNode payload = entry.path("payload");
                if (payload.has("verdict")) {
                    found.add(
                            "window "
                                    + payload.path("window").asText()
                                    + ": "
                                    + payload.path("verdict").asText()
                                    + " ("
                                    + payload.path("score").asText()
                                    + ") "
                                    + payload.path("summary").asText());
                }
            }
        } catch (Exception e) {
            found.add("history unavailable: " + e.getMessage());
        }
        return found;
    }

    private int minuteNow() {
        return (int) (Duration.between(began, Instant.now()).toSeconds() / 60) + 1;
    }

    /** Steps as published and as confirmed, from the broker: latency, lost and duplicated. */
    private void watchSteps() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, glide.bootstrapServers());
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.ROLLOUT_STEPS, Topics.TRAFFIC_APPLIED)) {
                for (int attempt = 0; attempt < 60; attempt++) {
                    var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                    if (infos != null && !infos.isEmpty()) {
                        infos.forEach(
                                p -> partitions.add(new TopicPartition(topic, p.partition())));
                        break;
                    }
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, Long> pending = new ConcurrentHashMap<>();
            while (running.get() || !pending.isEmpty()) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    try {
                        if (record.topic().equals(Topics.ROLLOUT_STEPS)) {
                            RolloutStep step = codec.decode(record.value(), RolloutStep.class);
                            if (steps.expect(step.rolloutId(), step.sequence())) {
                                pending.put(
                                        StepLedger.key(step.rolloutId(), step.sequence()),
                                        record.timestamp());
                            }
                        } else {
                            TrafficApplied applied =
                                    codec.decode(record.value(), TrafficApplied.class);
                            if (!steps.report(applied)) {
                                continue;
                            }
                            Long published =
                                    pending.remove(
                                            StepLedger.key(
                                                    applied.rolloutId(), applied.sequence()));
                            if (published != null) {
                                stepLatency
                                        .computeIfAbsent(minuteNow(), m -> new Latencies())
                                        .add(record.timestamp() - published);
                            }
                        }
                    } catch (RuntimeException e) {
                        // not a record of ours (a probe's marker): skip
                    }
                }
                if (!running.get()) {
                    // after the run: anything still pending after the settle is lost
                    Thread.sleep(100);
                    if (pending.values().stream()
                            .allMatch(t -> t < System.currentTimeMillis() - 20_000)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> sample(int minute, Path data, List<LoadLoop> loads) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("minute", minute);
        Map<String, Object> heap = new TreeMap<>();
        Map<String, Object> rss = new TreeMap<>();
        Map<String, Object> threads = new TreeMap<>();
        Map<String, Object> files = new TreeMap<>();
        int replica = 0;
        String last = "";
        for (ServiceProcess process : glide.services()) {
            replica = process.name().equals(last) ? replica + 1 : 1;
            last = process.name();
            String who = process.name() + "#" + replica;
            heap.put(who, heapAfterGcMb(process.pid()));
            rss.put(who, BenchReport.rssMb(process.pid()));
            threads.put(who, status(process.pid(), "Threads:"));
            files.put(who, openFiles(process.pid()));
        }
        sample.put("heapAfterGcMb", heap);
        sample.put("heapAfterGcMbTotal", sum(heap));
        sample.put("rssMb", rss);
        sample.put("rssMbTotal", sum(rss));
        sample.put("threads", threads);
        sample.put("threadsTotal", sum(threads));
        sample.put("openFiles", files);
        sample.put("openFilesTotal", sum(files));
        sample.put("rows", rows());
        Latencies steps = stepLatency.getOrDefault(minute, new Latencies());
        sample.put("stepLatencyMs", steps.summary());
        Map<String, AtomicInteger> ended = endedByMinute.getOrDefault(minute, Map.of());
        sample.put("rolloutsEnded", ended.values().stream().mapToInt(AtomicInteger::get).sum());
        sample.put(
                "rolloutsAborted",
                ended.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("ABORTED"))
                        .mapToInt(e -> e.getValue().get())
                        .sum());
        sample.put("rolloutMs", rolloutDuration.getOrDefault(minute, new Latencies()).summary());
        synchronized (loads) {
            sample.put("requestsSoFar", loads.stream().mapToLong(LoadLoop::sent).sum());
            sample.put(
                    "failedRequestsSoFar", loads.stream().mapToLong(LoadLoop::gatewayFailed).sum());
        }
        return sample;
    }

    private static long sum(Map<String, Object> values) {
        return values.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    /** Heap used right after a full collection, in MB, by the JDK's own jcmd. */
    private static long heapAfterGcMb(long pid) {
        String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            run(jcmd, String.valueOf(pid), "GC.run");
            Matcher used = HEAP_USED.matcher(run(jcmd, String.valueOf(pid), "GC.heap_info"));
            return used.find() ? Long.parseLong(used.group(1)) / 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static long status(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith(field))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long openFiles(long pid) {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Every table's exact row count, as schema.table. */
    private Map<String, Object> rows() {
        Map<String, Object> rows = new TreeMap<>();
        EmbeddedDatabase database = glide.database();
        try (Connection connection =
                DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, "")) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    connection
                            .createStatement()
                            .executeQuery(
                                    "select table_schema || '.' || table_name from information_schema.tables"
                                            + " where table_schema in ('planner', 'traffic', 'analysis', 'notifier')"
                                            + " and table_type = 'BASE TABLE' and table_name not like 'flyway%'"
                                            + " order by 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs =
                        connection
                                .createStatement()
                                .executeQuery("select count(*) from " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        } catch (Exception e) {
            rows.put("error", e.getMessage());
        }
        return rows;
    }

    /** Per series: slope per hour after the warm-up, fitted change as a share of the mean, flat. */
    private static Map<String, Object> trends(List<Map<String, Object>> series, int warmup) {
        Map<String, List<double[]>> points = new TreeMap<>();
        for (Map<String, Object> sample : series) {
            int minute = (int) sample.get("minute");
            if (minute < warmup) {
                continue;
            }
            for (String total :
                    List.of("heapAfterGcMbTotal", "rssMbTotal", "threadsTotal", "openFilesTotal")) {
                points.computeIfAbsent(total, k -> new ArrayList<>())
                        .add(new double[] {minute, ((Number) sample.get(total)).doubleValue()});
            }
            for (String per : List.of("heapAfterGcMb", "threads")) {
                ((Map<?, ?>) sample.get(per))
                        .forEach(
                                (who, value) ->
                                        points.computeIfAbsent(
                                                        per + " " + who, k -> new ArrayList<>())
                                                .add(
                                                        new double[] {
                                                            minute, ((Number) value).doubleValue()
                                                        }));
            }
            double p99 =
                    ((Number) ((Map<?, ?>) sample.get("stepLatencyMs")).get("p99")).doubleValue();
            if (!Double.isNaN(p99)) {
                points.computeIfAbsent("stepLatencyMs p99", k -> new ArrayList<>())
                        .add(new double[] {minute, p99});
            }
            ((Map<?, ?>) sample.get("rows"))
                    .forEach(
                            (table, value) -> {
                                if (value instanceof Number n) {
                                    points.computeIfAbsent("rows " + table, k -> new ArrayList<>())
                                            .add(new double[] {minute, n.doubleValue()});
                                }
                            });
        }
        Map<String, Object> trends = new LinkedHashMap<>();
        points.forEach(
                (name, xy) -> {
                    if (xy.size() < 3) {
                        return;
                    }
                    SimpleRegression fit = new SimpleRegression();
                    xy.forEach(p -> fit.addData(p[0], p[1]));
                    double mean = xy.stream().mapToDouble(p -> p[1]).average().orElse(0);
                    double span = xy.get(xy.size() - 1)[0] - xy.get(0)[0];
                    double change = fit.getSlope() * span;
                    double share = mean == 0 ? (change == 0 ? 0 : 1) : change / mean;
                    double halfWidth = fit.getSlopeConfidenceInterval(0.05);
                    boolean holdsZero =
                            !Double.isNaN(halfWidth) && Math.abs(fit.getSlope()) <= halfWidth;
                    Map<String, Object> trend = new LinkedHashMap<>();
                    trend.put("mean", Latencies.round(mean));
                    trend.put("slopePerHour", Latencies.round(fit.getSlope() * 60));
                    trend.put("changeOverRunPercent", Latencies.round(share * 100));
                    trend.put(
                            "flat",
                            Math.abs(share) < 0.10 || holdsZero || mean == 0 && change == 0);
                    trends.put(name, trend);
                });
        return trends;
    }

    private String call(String method, String path, String body) throws Exception {
        return BenchSystems.callAnyPlanner(http, glide, method, path, body);
    }
}
