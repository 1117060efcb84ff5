package dev.glide.local;

import static dev.glide.local.GlideLocal.say;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local demo of an experiment: "demo-shop" in a control (v1) and two variants (v2a, v2b) behind
 * the embedded gateway, a steady stream of new users who each browse and then buy with the chance
 * their version gives them (v1 10 %, v2a 14 %, v2b 10 %), each kept on one version by their id.
 * Each window prints every arm's conversion per user with its interval and each variant's lift; the
 * better variant wins and every user is switched to it (blue-green). With {@code --bad} v2b fails
 * its guardrail and is stopped alone while the others go on.
 */
final class ExperimentDemo implements AutoCloseable {

    private static final String SERVICE = "demo-shop";

    private final GlideSystem glide;
    private final Demo.Badness bad;
    private final PlannerApi planner;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService users = Executors.newFixedThreadPool(4);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong gatewayFailed = new AtomicLong();
    private final AtomicLong newcomers = new AtomicLong();
    private UpstreamServer control;
    private UpstreamServer first;
    private UpstreamServer second;

    ExperimentDemo(GlideSystem glide, Demo.Badness bad) {
        this.glide = glide;
        this.bad = bad;
        this.planner = new PlannerApi(glide.plannerUrl());
    }

    /** Runs the experiment to its end; true when v2a won and serves everyone. */
    boolean run() throws Exception {
        control = UpstreamServer.start("v1");
        first = UpstreamServer.start("v2a");
        second = UpstreamServer.start("v2b");
        control.goal("/buy", "checkout", 0.10);
        first.goal("/buy", "checkout", 0.14);
        second.goal("/buy", "checkout", 0.10);
        if (bad == Demo.Badness.errors) {
            second.failRate(0.05);
        } else if (bad == Demo.Badness.latency) {
            second.extraLatency(Duration.ofMillis(200));
        }
        say("");
        say(
                "Demo: an experiment on %s: control v1 (converts 10 %%), v2a (14 %%), v2b (10 %%%s); %s/%s/",
                SERVICE,
                bad == Demo.Badness.none ? "" : ", and bad: " + bad,
                glide.gatewayUrl(),
                SERVICE);
        planner.call(
                "PUT",
                "/api/services/" + SERVICE,
                Map.of(
                        "team", "demo",
                        "gateway", Map.of("adapter", "embedded", "route", "/" + SERVICE),
                        "stable", Map.of("version", "v1", "endpoints", List.of(control.endpoint())),
                        "strategy",
                                Map.of(
                                        "type",
                                        "experiment",
                                        "experiment",
                                        Map.of(
                                                "goal", "checkout",
                                                "per", "user",
                                                "stickyKey", "X-User",
                                                "shares", List.of(33.3, 33.3),
                                                "interval", "3s",
                                                "maxWindows", 100,
                                                "minUnits", 500,
                                                "winner", "blueGreen")),
                        "releasePolicy", "supersede"));
        JsonNode accepted =
                planner.call(
                        "POST",
                        "/api/releases",
                        Map.of(
                                "service",
                                SERVICE,
                                "version",
                                "v2a",
                                "environment",
                                "local",
                                "endpoints",
                                List.of(first.endpoint()),
                                "variants",
                                List.of(
                                        Map.of(
                                                "version",
                                                "v2b",
                                                "endpoints",
                                                List.of(second.endpoint())))));
        String rollout = accepted.path("rolloutId").asText();
        say(
                "  released v2a and v2b as experiment %s (%s/#/rollouts/%s)",
                rollout, planner.url(), rollout);
        say("");
        return watch(rollout);
    }

    private boolean watch(String rollout) throws Exception {
        Instant started = Instant.now();
        Set<Long> shown = new HashSet<>();
        boolean loaded = false;
        while (true) {
            for (JsonNode entry :
                    planner.call("GET", "/api/rollouts/" + rollout + "/history", null)) {
                if (!shown.add(entry.path("sequence").asLong())) {
                    continue;
                }
                JsonNode payload = entry.path("payload");
                String type = entry.path("type").asText();
                if (type.equals("TRANSITION")) {
                    say(
                            "%s %-11s %s",
                            Demo.clock(started),
                            payload.path("to").asText(),
                            payload.path("cause").asText());
                } else if (type.equals("INPUT")
                        && payload.path("input").asText().equals("VerdictReceived")) {
                    showStanding(started, payload);
                }
            }
            if (!loaded && planner.trafficConfirmed(rollout)) {
                startUsers();
                loaded = true;
                say(
                        "%s   users arriving at %s/%s/ (each browses, then buys)",
                        Demo.clock(started), glide.gatewayUrl(), SERVICE);
            }
            JsonNode status = planner.call("GET", "/api/rollouts/" + rollout, null);
            String state = status.path("state").asText();
            if (List.of("SUCCEEDED", "ABORTED", "FAILED", "PAUSED").contains(state)) {
                return summarize(status, started);
            }
            Thread.sleep(300);
        }
    }

    private void showStanding(Instant started, JsonNode verdict) {
        JsonNode experiment = verdict.path("experiment");
        if (experiment.isMissingNode() || experiment.isNull()) {
            return;
        }
        say(
                "%s   window %d: %s",
                Demo.clock(started),
                verdict.path("window").asInt(),
                verdict.path("verdict").asText());
        for (JsonNode arm : experiment.path("arms")) {
            String lift =
                    arm.path("lift").isNull() || arm.path("lift").isMissingNode()
                            ? "control"
                            : String.format(
                                    "lift %+.1f %% (%+.1f to %+.1f %%), p %.2g",
                                    arm.path("lift").asDouble() * 100,
                                    arm.path("liftLow").asDouble() * 100,
                                    arm.path("liftHigh").asDouble() * 100,
                                    arm.path("pValue").asDouble());
            say(
                    "             %-4s %5.2f %% of %5d users (%5.2f-%5.2f %%)  %s%s",
                    arm.path("version").asText(),
                    arm.path("rate").asDouble() * 100,
                    arm.path("units").asLong(),
                    arm.path("rateLow").asDouble() * 100,
                    arm.path("rateHigh").asDouble() * 100,
                    lift,
                    arm.path("stopped").asBoolean() ? "  STOPPED (guardrail)" : "");
        }
    }

    /** New users, each browsing and then buying once, through the gateway under their own id. */
    private void startUsers() {
        for (int t = 0; t < 4; t++) {
            users.submit(
                    () -> {
                        while (running.get()) {
                            String user = "user-" + newcomers.incrementAndGet();
                            visit(user, "/browse");
                            visit(user, "/buy");
                        }
                    });
        }
    }

    private void visit(String user, String path) {
        try {
            HttpResponse<Void> answer =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(glide.gatewayUrl() + "/" + SERVICE + path))
                                    .header("X-User", user)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            sent.incrementAndGet();
            if (answer.headers().firstValue(UpstreamServer.VERSION_HEADER).isEmpty()) {
                gatewayFailed.incrementAndGet();
            }
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        } catch (Exception e) {
            sent.incrementAndGet();
            gatewayFailed.incrementAndGet();
        }
    }

    private boolean summarize(JsonNode status, Instant started) {
        String state = status.path("state").asText();
        say("");
        say(
                "%s experiment %s%s",
                Demo.clock(started),
                state,
                status.path("reason").isNull() ? "" : ": " + status.path("reason").asText());
        say(
                "   %d users sent %d requests; %d failed by the gateway",
                newcomers.get(), sent.get(), gatewayFailed.get());
        boolean expected = state.equals("SUCCEEDED");
        say(
                "   %s",
                expected
                        ? "the winner serves every user now."
                        : "this is not what the demo expected (SUCCEEDED)");
        say("   history: %s/api/rollouts/%s/history", planner.url(), status.path("id").asText());
        return expected;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        users.shutdown();
        users.awaitTermination(10, TimeUnit.SECONDS);
        for (UpstreamServer upstream : new UpstreamServer[] {control, first, second}) {
            if (upstream != null) {
                upstream.close();
            }
        }
    }
}
