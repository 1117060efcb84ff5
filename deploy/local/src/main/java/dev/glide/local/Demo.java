package dev.glide.local;

import static dev.glide.local.GlideLocal.say;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.testsupport.FreePorts;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.HaproxyProcess;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.NginxProcess;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local demo: the application "demo" in two versions (v1 healthy; v2 healthy, or with 5 %
 * errors, or 200 ms slower), behind the embedded gateway or a real HAProxy, light steady load from
 * a few clients (some of them beta users; none asks for the blue-green preview, which Glide's own
 * smoke test checks), a release of v2 by the chosen strategy, and the rollout shown live — each
 * step, each verdict with its key numbers, a progress bar — until it ends.
 */
final class Demo implements AutoCloseable {

    enum Badness {
        none,
        errors,
        latency
    }

    enum Strategy {
        canary,
        blueGreen,
        canaryThenBlueGreen,
        segmentFirst
    }

    enum Gateway {
        embedded,
        haproxy,
        nginx
    }

    private static final String SERVICE = "demo";
    static final Map<String, Object> ANALYSIS =
            Map.of(
                    "analysis",
                    Map.of(
                            "metrics",
                            List.of("error-rate", "latency-p99"),
                            "interval",
                            "5s",
                            "count",
                            2,
                            "failureLimit",
                            0));

    /** Lets the clients (started once the route exists) reach a steady rate before judging. */
    static final Map<String, Object> WARM_UP = Map.of("pause", Map.of("duration", "5s"));

    private final GlideSystem glide;
    private final Path data;
    private final Strategy strategy;
    private final Badness bad;
    private final Gateway gateway;
    private final PlannerApi planner;
    private UpstreamServer v1;
    private UpstreamServer v2;
    private HaproxyProcess haproxy;
    private final NginxProcess nginx;
    private LoadLoop load;

    Demo(
            GlideSystem glide,
            Path root,
            Path data,
            Strategy strategy,
            Badness bad,
            Gateway gateway,
            NginxProcess nginx) {
        this.glide = glide;
        this.nginx = nginx;
        this.data = data;
        this.strategy = strategy;
        this.bad = bad;
        this.gateway = gateway;
        this.planner = new PlannerApi(glide.plannerUrl());
    }

    /**
     * Runs the demo release to its end; true when it ended as it should (SUCCEEDED, or ABORTED when
     * v2 is bad).
     */
    boolean run() throws Exception {
        v1 = UpstreamServer.start("v1");
        v2 = UpstreamServer.start("v2");
        if (bad == Badness.errors) {
            v2.failRate(0.05);
        } else if (bad == Badness.latency) {
            v2.extraLatency(Duration.ofMillis(200));
        }
        say("");
        say(
                "Demo: application '%s' v1 at %s and v2 at %s%s",
                SERVICE,
                v1.endpoint(),
                v2.endpoint(),
                bad == Badness.none
                        ? " (healthy)"
                        : bad == Badness.errors
                                ? " (5 % of its answers are errors)"
                                : " (200 ms slower)");

        Map<String, Object> binding;
        URI entry;
        if (gateway == Gateway.haproxy && Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
            haproxy = HaproxyProcess.start(data.resolve("haproxy"), v1.port(), v2.port());
            binding =
                    Map.of(
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
            entry = URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/");
            say("  through a real HAProxy: %s (Runtime API %s)", entry, haproxy.runtimeApi());
        } else if (nginx != null) {
            int port = FreePorts.pick();
            binding =
                    Map.of(
                            "adapter",
                            "nginx",
                            "route",
                            SERVICE + ".local",
                            "address",
                            "127.0.0.1:" + port);
            entry = URI.create("http://127.0.0.1:" + port + "/");
            say(
                    "  through a real NGINX: %s (server %s.local, configuration in %s)",
                    entry, SERVICE, nginx.includeDir());
        } else {
            if (gateway == Gateway.haproxy) {
                say(
                        "  haproxy is not installed (apt-get install haproxy): using the embedded gateway instead");
            }
            binding = Map.of("adapter", "embedded", "route", "/" + SERVICE);
            entry = URI.create(glide.gatewayUrl() + "/" + SERVICE + "/");
            say("  through the embedded gateway: %s", entry);
        }
        planner.call(
                "PUT",
                "/api/services/" + SERVICE,
                Map.of(
                        "team",
                        "demo",
                        "gateway",
                        binding,
                        "stable",
                        Map.of("version", "v1", "endpoints", List.of(v1.endpoint())),
                        "strategy",
                        strategy(strategy, entry),
                        "releasePolicy",
                        "supersede"));
        JsonNode accepted =
                planner.call(
                        "POST",
                        "/api/releases",
                        Map.of(
                                "service",
                                SERVICE,
                                "version",
                                "v2",
                                "environment",
                                "local",
                                "endpoints",
                                List.of(v2.endpoint())));
        String rollout = accepted.path("rolloutId").asText(accepted.path("id").asText());
        say(
                "  released v2 by %s: rollout %s (%s/api/rollouts/%s)",
                strategy, rollout, glide.plannerUrl(), rollout);
        say("");
        return watch(rollout, entry);
    }

    /**
     * The demo's strategy. Its blue-green has no preview users: a smoke test Glide sends to green
     * through the gateway (with the preview header) is what lets it switch — 200 requests, so a v2
     * that fails 5 % of them is caught all but surely.
     */
    private static Map<String, Object> strategy(Strategy strategy, URI entry) {
        Map<String, Object> preview =
                Map.of(
                        "kind",
                        "HEADER",
                        "name",
                        "x-glide-preview",
                        "value",
                        "true",
                        "target",
                        "CANARY");
        Map<String, Object> blueGreen =
                new LinkedHashMap<>(
                        Map.of("preview", preview, "autoPromote", true, "rollbackWindow", "10s"));
        return switch (strategy) {
            case canary ->
                    Map.of(
                            "type",
                            "canary",
                            "steps",
                            // 10 % first, and a short pause before the first analysis: the
                            // clients start when the route does, on JVMs still cold, and on two
                            // shared cores the first window was left with too few canary requests
                            List.of(
                                    Map.of("setWeight", 10),
                                    WARM_UP,
                                    ANALYSIS,
                                    Map.of("setWeight", 25),
                                    ANALYSIS,
                                    Map.of("setWeight", 50),
                                    ANALYSIS,
                                    Map.of("setWeight", 100)));
            case blueGreen ->
                    Map.of(
                            "type",
                            "blueGreen",
                            "blueGreen",
                            blueGreen,
                            "gates",
                            List.of(
                                    Map.of(
                                            "name",
                                            "smoke",
                                            "phase",
                                            "prePromotion",
                                            "retries",
                                            0,
                                            "test",
                                            Map.of(
                                                    "kind",
                                                    "smoke",
                                                    "requests",
                                                    200,
                                                    "rate",
                                                    50,
                                                    "path",
                                                    entry.getPath(),
                                                    "url",
                                                    entry.getScheme()
                                                            + "://"
                                                            + entry.getAuthority()))));
            case canaryThenBlueGreen ->
                    Map.of(
                            "type",
                            "canaryThenBlueGreen",
                            "ceiling",
                            20,
                            "steps",
                            List.of(
                                    Map.of("setWeight", 10),
                                    WARM_UP,
                                    ANALYSIS,
                                    Map.of("setWeight", 20),
                                    ANALYSIS),
                            "blueGreen",
                            blueGreen);
            case segmentFirst ->
                    Map.of(
                            "type",
                            "segmentFirst",
                            "segment",
                            Map.of(
                                    "match",
                                    List.of(
                                            Map.of(
                                                    "kind", "HEADER", "name", "x-beta", "value",
                                                    "true", "target", "CANARY")),
                                    "stickyKey",
                                    "x-user"),
                            "steps",
                            List.of(
                                    ANALYSIS,
                                    Map.of("setWeight", 25),
                                    ANALYSIS,
                                    Map.of("setWeight", 100)));
        };
    }

    /** Prints the rollout as it moves, until it ends; true when it ended as it should. */
    private boolean watch(String rollout, URI entry) throws Exception {
        Instant started = Instant.now();
        Set<Long> shown = new HashSet<>();
        Map<String, Integer> resumes = new HashMap<>();
        boolean routed = false;
        while (true) {
            JsonNode status = planner.call("GET", "/api/rollouts/" + rollout, null);
            for (JsonNode entryOf :
                    planner.call("GET", "/api/rollouts/" + rollout + "/history", null)) {
                if (shown.add(entryOf.path("sequence").asLong())) {
                    describe(entryOf, status, started).ifPresent(line -> say("%s", line));
                }
                routed |= entryOf.path("payload").path("input").asText().equals("TrafficConfirmed");
            }
            if (load == null && routed) {
                // the gateway has the demo's route from its first step on: clients start then
                load =
                        LoadLoop.start(
                                entry,
                                8,
                                request -> {
                                    request.header(
                                            "x-user",
                                            "user-" + ThreadLocalRandom.current().nextInt(1000));
                                    if (ThreadLocalRandom.current().nextInt(10) == 0) {
                                        request.header("x-beta", "true");
                                    }
                                    pause(5);
                                });
                say("%s clients sending requests to %s", clock(started), entry);
            }
            String state = status.path("state").asText();
            if (List.of("SUCCEEDED", "ABORTED", "FAILED").contains(state)) {
                return summarize(status, started);
            }
            resumeIfStarved(planner, status, started, resumes);
            Thread.sleep(300);
        }
    }

    /** How often the demo may resume one rollout's starved analysis before leaving it paused. */
    static final int MAX_RESUMES = 5;

    /**
     * Resumes a rollout that paused because its analysis saw too few requests — the demo's own
     * light clients on a busy machine (JVMs still warming up) — as its user would with {@code glide
     * resume}, at most {@link #MAX_RESUMES} times; any other pause is left to the user.
     */
    static void resumeIfStarved(
            PlannerApi planner, JsonNode rollout, Instant started, Map<String, Integer> resumes)
            throws Exception {
        String id = rollout.path("id").asText();
        if (!rollout.path("state").asText().equals("PAUSED")
                || !rollout.path("reason").asText().startsWith("analysis inconclusive")
                || resumes.merge(id, 1, Integer::sum) > MAX_RESUMES) {
            return;
        }
        say(
                "%s   the demo's clients sent too few requests for a verdict: the demo resumes the"
                        + " analysis, as `glide resume %s` would",
                clock(started), id);
        planner.call(
                "POST",
                "/api/rollouts/" + id + "/resume?actor=demo&reason=too+few+demo+requests",
                null);
    }

    private Optional<String> describe(JsonNode entry, JsonNode status, Instant started) {
        JsonNode payload = entry.path("payload");
        String type = entry.path("type").asText();
        if (type.equals("STEP")) {
            double canary = payload.path("weights").path("canary").asDouble();
            int rules = payload.path("matchRules").size();
            return Optional.of(
                    String.format(
                            Locale.ROOT,
                            "%s %s canary %5.1f %%%s",
                            clock(started),
                            bar(canary),
                            canary,
                            rules == 0 ? "" : " + " + rules + " header route(s) to v2"));
        }
        if (type.equals("TRANSITION")) {
            return Optional.of(
                    String.format(
                            Locale.ROOT,
                            "%s %-11s step %d of %d: %s",
                            clock(started),
                            payload.path("to").asText(),
                            Math.min(
                                    payload.path("stepIndex").asInt() + 1,
                                    payload.path("stepCount").asInt()),
                            payload.path("stepCount").asInt(),
                            entry.path("cause").asText()));
        }
        if (type.equals("INPUT") && payload.path("input").asText().equals("VerdictReceived")) {
            return Optional.of(
                    String.format(
                            Locale.ROOT,
                            "%s   verdict, window %d: %s — %s",
                            clock(started),
                            payload.path("window").asInt(),
                            payload.path("verdict").asText(),
                            payload.path("summary").asText()));
        }
        if (type.equals("INPUT") && payload.path("input").asText().equals("CommandReceived")) {
            return Optional.of(
                    String.format(
                            "%s   command %s by %s",
                            clock(started),
                            payload.path("type").asText(),
                            payload.path("actor").asText()));
        }
        return Optional.empty();
    }

    private boolean summarize(JsonNode status, Instant started) {
        String state = status.path("state").asText();
        say("");
        say(
                "%s rollout %s%s",
                clock(started),
                state,
                status.path("reason").isNull() ? "" : ": " + status.path("reason").asText());
        if (load != null) {
            Map<String, Long> byVersion = load.byVersion();
            say(
                    "   clients sent %d requests: %s; %d failed by the gateway, %d answered with the version's own errors",
                    load.sent(),
                    byVersion,
                    load.gatewayFailed(),
                    load.failed() - load.gatewayFailed());
            if (load.gatewayFailed() > 0) {
                say("   first failures: %s", load.failures());
            }
            if (!byVersion.containsKey("v2")) {
                say("   no user request reached v2");
            }
        }
        boolean expected =
                bad == Badness.none ? state.equals("SUCCEEDED") : state.equals("ABORTED");
        say(
                "   %s",
                expected
                        ? (bad == Badness.none
                                ? "v2 is now the stable version."
                                : "v2 was rolled back: all traffic is on v1 again.")
                        : "this is not what the demo expected ("
                                + (bad == Badness.none ? "SUCCEEDED" : "ABORTED")
                                + ")");
        say(
                "   history: %s/api/rollouts/%s/history",
                glide.plannerUrl(), status.path("id").asText());
        return expected;
    }

    static String bar(double percent) {
        int filled = (int) Math.round(percent / 5);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }

    static String clock(Instant started) {
        long seconds = Duration.between(started, Instant.now()).toSeconds();
        return String.format("[%02d:%02d]", seconds / 60, seconds % 60);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (load != null) {
            load.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        if (v1 != null) {
            v1.close();
        }
        if (v2 != null) {
            v2.close();
        }
    }
}
