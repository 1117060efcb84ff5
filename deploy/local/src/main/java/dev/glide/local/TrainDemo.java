package dev.glide.local;

import static dev.glide.local.GlideLocal.say;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.UpstreamServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The local demo of a release train: "demo-api" and "demo-web" (which needs the api), each in two
 * versions behind the embedded gateway with light steady load, released as one train. The api
 * canaries first; the web starts only once the api's analysis passed; then both are cut over, api
 * first, and held for a rollback window. With a bad v2 the web's analysis fails, and the train
 * takes the web and then the api back to v1.
 */
final class TrainDemo implements AutoCloseable {

    private static final List<String> SERVICES = List.of("demo-api", "demo-web");

    private final GlideSystem glide;
    private final Demo.Badness bad;
    private final PlannerApi planner;
    private final List<UpstreamServer> upstreams = new ArrayList<>();
    private final List<LoadLoop> loads = new ArrayList<>();
    private final Set<String> loaded = new HashSet<>();

    TrainDemo(GlideSystem glide, Demo.Badness bad) {
        this.glide = glide;
        this.bad = bad;
        this.planner = new PlannerApi(glide.plannerUrl());
    }

    /**
     * Runs the train to its end; true when it ended as it should (SUCCEEDED, or ABORTED when
     * demo-web's v2 is bad).
     */
    boolean run() throws Exception {
        say("");
        say(
                "Demo: a release train of %s, demo-web depending on demo-api%s",
                String.join(" and ", SERVICES),
                bad == Demo.Badness.none ? "" : " (demo-web's v2 is bad: " + bad + ")");
        List<Map<String, Object>> members = new ArrayList<>();
        for (String service : SERVICES) {
            UpstreamServer v1 = UpstreamServer.start("v1");
            UpstreamServer v2 = UpstreamServer.start("v2");
            upstreams.add(v1);
            upstreams.add(v2);
            if (service.equals("demo-web") && bad == Demo.Badness.errors) {
                v2.failRate(0.05);
            } else if (service.equals("demo-web") && bad == Demo.Badness.latency) {
                v2.extraLatency(Duration.ofMillis(200));
            }
            planner.call(
                    "PUT",
                    "/api/services/" + service,
                    Map.of(
                            "team", "demo",
                            "gateway", Map.of("adapter", "embedded", "route", "/" + service),
                            "stable", Map.of("version", "v1", "endpoints", List.of(v1.endpoint())),
                            "strategy",
                                    Map.of(
                                            "type",
                                            "canary",
                                            "steps",
                                            List.of(
                                                    Map.of("setWeight", 20),
                                                    Demo.WARM_UP,
                                                    Demo.ANALYSIS)),
                            "releasePolicy", "supersede"));
            Map<String, Object> member =
                    new LinkedHashMap<>(
                            Map.of(
                                    "service",
                                    service,
                                    "version",
                                    "v2",
                                    "endpoints",
                                    List.of(v2.endpoint())));
            if (service.equals("demo-web")) {
                member.put("dependsOn", List.of("demo-api"));
            }
            members.add(member);
            say(
                    "  %-8s v1 at %s, v2 at %s, served at %s/%s/",
                    service, v1.endpoint(), v2.endpoint(), glide.gatewayUrl(), service);
        }
        JsonNode accepted =
                planner.call(
                        "POST",
                        "/api/trains",
                        Map.of(
                                "name",
                                "demo train",
                                "environment",
                                "local",
                                "members",
                                members,
                                "cutover",
                                Map.of("rollbackWindow", "10s")));
        String train = accepted.path("trainId").asText();
        say("  released as train %s (%s/api/trains/%s)", train, planner.url(), train);
        say("");
        return watch(train);
    }

    /** Prints the train's news and its members' canary shares as they move, until it ends. */
    private boolean watch(String train) throws Exception {
        Instant started = Instant.now();
        Set<Long> shown = new HashSet<>();
        Map<String, String> lines = new HashMap<>();
        Map<String, Integer> resumes = new HashMap<>();
        while (true) {
            JsonNode status = planner.call("GET", "/api/trains/" + train, null);
            for (JsonNode entry : planner.call("GET", "/api/trains/" + train + "/history", null)) {
                if (shown.add(entry.path("sequence").asLong())
                        && !entry.path("type").asText().equals("INPUT")) {
                    boolean action = entry.path("type").asText().equals("ACTION");
                    say(
                            "%s %-11s %s",
                            Demo.clock(started),
                            action ? "  train:" : entry.path("payload").path("to").asText(),
                            entry.path("cause").asText());
                }
            }
            for (JsonNode member : status.path("members")) {
                String service = member.path("service").asText();
                double canary = member.path("canaryPercent").asDouble();
                String line =
                        String.format(
                                Locale.ROOT,
                                "%s %5.1f %% %s",
                                Demo.bar(canary),
                                canary,
                                member.path("rolloutState").asText("-"));
                if (!line.equals(lines.put(service, line))) {
                    say("%s   %-8s %s", Demo.clock(started), service, line);
                }
                if (member.path("rolloutState").asText().equals("PROGRESSING")
                        && !loaded.contains(service)
                        && planner.trafficConfirmed(member.path("rolloutId").asText())) {
                    startLoad(service, started);
                }
                if (member.path("rolloutState").asText().equals("PAUSED")) {
                    Demo.resumeIfStarved(
                            planner,
                            planner.call(
                                    "GET",
                                    "/api/rollouts/" + member.path("rolloutId").asText(),
                                    null),
                            started,
                            resumes);
                }
            }
            String state = status.path("state").asText();
            if (List.of("SUCCEEDED", "ABORTED", "FAILED").contains(state)) {
                return summarize(status, started);
            }
            Thread.sleep(300);
        }
    }

    /**
     * Clients for a member start once its rollout moves traffic: the gateway has its route from the
     * first step on.
     */
    private void startLoad(String service, Instant started) {
        if (!loaded.add(service)) {
            return;
        }
        URI entry = URI.create(glide.gatewayUrl() + "/" + service + "/");
        loads.add(LoadLoop.start(entry, 2, request -> Demo.pause(5)));
        say("%s   clients sending requests to %s", Demo.clock(started), entry);
    }

    private boolean summarize(JsonNode status, Instant started) {
        String state = status.path("state").asText();
        say("");
        say(
                "%s train %s%s",
                Demo.clock(started),
                state,
                status.path("reason").isNull() ? "" : ": " + status.path("reason").asText());
        for (JsonNode member : status.path("members")) {
            say(
                    "   %-8s %s (its rollout %s)",
                    member.path("service").asText(),
                    member.path("rolloutState").asText(),
                    member.path("rolloutId").asText());
        }
        long sent = loads.stream().mapToLong(LoadLoop::sent).sum();
        long gatewayFailed = loads.stream().mapToLong(LoadLoop::gatewayFailed).sum();
        long failed = loads.stream().mapToLong(LoadLoop::failed).sum();
        say(
                "   clients sent %d requests; %d failed by the gateway, %d answered with the version's own errors",
                sent, gatewayFailed, failed - gatewayFailed);
        loads.stream()
                .filter(l -> l.gatewayFailed() > 0)
                .forEach(l -> say("   first failures: %s", l.failures()));
        boolean expected =
                bad == Demo.Badness.none ? state.equals("SUCCEEDED") : state.equals("ABORTED");
        say(
                "   %s",
                expected
                        ? (bad == Demo.Badness.none
                                ? "v2 of both services is now stable."
                                : "the train was rolled back: both services serve v1 again.")
                        : "this is not what the demo expected ("
                                + (bad == Demo.Badness.none ? "SUCCEEDED" : "ABORTED")
                                + ")");
        say("   history: %s/api/trains/%s/history", planner.url(), status.path("id").asText());
        return expected;
    }

    @Override
    public void close() {
        loads.forEach(LoadLoop::close);
        upstreams.forEach(UpstreamServer::close);
    }
}
