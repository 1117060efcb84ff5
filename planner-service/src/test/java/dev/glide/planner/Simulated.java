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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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
        return answer(
                steps(), probe.readAll(Topics.ROLLOUT_EVENTS, r -> rolloutId.equals(r.key())));
    }

    /**
     * Answers whatever is new for every one of {@code members}, reading each topic once for all of
     * them (a wide train's members one by one would read the topics once per member).
     */
    static void answerAll(List<Simulated> members) {
        if (members.isEmpty()) {
            return;
        }
        Map<String, Simulated> byId = new HashMap<>();
        members.forEach(m -> byId.put(m.rolloutId, m));
        TopicProbe probe = members.get(0).probe;
        Map<String, List<ConsumerRecord<String, String>>> steps =
                probe.readAll(Topics.ROLLOUT_STEPS, r -> byId.containsKey(r.key())).stream()
                        .collect(Collectors.groupingBy(ConsumerRecord::key));
        Map<String, List<ConsumerRecord<String, String>>> events =
                probe.readAll(Topics.ROLLOUT_EVENTS, r -> byId.containsKey(r.key())).stream()
                        .collect(Collectors.groupingBy(ConsumerRecord::key));
        byId.forEach(
                (id, member) ->
                        member.answer(
                                steps.getOrDefault(id, List.of()).stream()
                                        .map(r -> member.codec.decode(r.value(), RolloutStep.class))
                                        .toList(),
                                events.getOrDefault(id, List.of())));
    }

    private boolean answer(
            List<RolloutStep> steps, List<ConsumerRecord<String, String>> rolloutEvents) {
        boolean answered = false;
        for (RolloutStep step : steps) {
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
        for (var record : rolloutEvents) {
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
