package dev.glide.planner;

import static io.restassured.RestAssured.given;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.testsupport.TopicProbe;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stands in for the traffic and analysis services in planner tests: answers every step of one
 * rollout with an APPLIED read-back of its weights, and every analysis it starts with one verdict
 * per window.
 */
final class Simulated {

    private final TopicProbe probe;
    private final EventCodec codec;
    private final String rolloutId;
    private final String service;
    private final Set<Long> answeredSteps = new HashSet<>();
    private final Set<Long> judgedAnalyses = new HashSet<>();

    /**
     * The verdict every analysis window gets; null leaves analyses unanswered (the rollout waits in
     * them).
     */
    AnalysisVerdict.Verdict verdict = AnalysisVerdict.Verdict.PASS;

    Simulated(TopicProbe probe, EventCodec codec, String rolloutId, String service) {
        this.probe = probe;
        this.codec = codec;
        this.rolloutId = rolloutId;
        this.service = service;
    }

    String service() {
        return service;
    }

    static void registerService(String service, String strategyJson) {
        registerService(service, strategyJson, "queue");
    }

    static void registerService(String service, String strategyJson, String releasePolicy) {
        String body =
                "{\"team\":\"payments\",\"gateway\":{\"adapter\":\"noop\",\"route\":\""
                        + service
                        + "\"},"
                        + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},"
                        + "\"releasePolicy\":\""
                        + releasePolicy
                        + "\""
                        + (strategyJson == null ? "" : ",\"strategy\":" + strategyJson)
                        + "}";
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .put("/api/services/" + service)
                .then()
                .statusCode(201);
    }

    static String release(String service, String version) {
        String body =
                "{\"service\":\""
                        + service
                        + "\",\"version\":\""
                        + version
                        + "\",\"environment\":\"prod\","
                        + "\"endpoints\":[\"http://127.0.0.1:9002\"]}";
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/releases")
                .then()
                .statusCode(202)
                .extract()
                .path("rolloutId");
    }

    String id() {
        return rolloutId;
    }

    /** The rollout's step, 1-based, as the API shows it. */
    static int step(String rolloutId) {
        return given().when().get("/api/rollouts/" + rolloutId).then().extract().path("step");
    }

    static String state(String rolloutId) {
        return given().when()
                .get("/api/rollouts/" + rolloutId)
                .then()
                .statusCode(200)
                .extract()
                .path("state");
    }

    /** The steps the planner has published for this rollout so far, in order. */
    List<RolloutStep> steps() {
        return probe.readAll(Topics.ROLLOUT_STEPS, r -> rolloutId.equals(r.key())).stream()
                .map(r -> codec.decode(r.value(), RolloutStep.class))
                .toList();
    }

    /** Answers whatever is new; true when it answered something. */
    boolean answer() {
        boolean answered = false;
        for (RolloutStep step : steps()) {
            if (answeredSteps.add(step.sequence())) {
                probe.send(
                        Topics.TRAFFIC_APPLIED,
                        rolloutId,
                        codec.encode(
                                new TrafficApplied(
                                        TrafficApplied.SCHEMA_VERSION,
                                        rolloutId,
                                        step.sequence(),
                                        step.service(),
                                        TrafficApplied.Outcome.APPLIED,
                                        step.weights(),
                                        step.matchRules(),
                                        "simulated",
                                        null,
                                        Instant.now())));
                answered = true;
            }
        }
        for (var record : probe.readAll(Topics.ROLLOUT_EVENTS, r -> rolloutId.equals(r.key()))) {
            RolloutEvent event = codec.decode(record.value(), RolloutEvent.class);
            if (verdict != null
                    && event.analysis() != null
                    && judgedAnalyses.add(event.analysis().analysisSequence())) {
                for (int window = 1; window <= event.analysis().count(); window++) {
                    probe.send(
                            Topics.ANALYSIS_VERDICTS,
                            rolloutId,
                            codec.encode(
                                    new AnalysisVerdict(
                                            AnalysisVerdict.SCHEMA_VERSION,
                                            rolloutId,
                                            event.analysis().analysisSequence(),
                                            window,
                                            verdict,
                                            verdict == AnalysisVerdict.Verdict.PASS ? 100 : 10,
                                            List.of(),
                                            "simulated " + verdict,
                                            Instant.now())));
                }
                answered = true;
            }
        }
        return answered;
    }
}
