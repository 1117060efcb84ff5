package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainEvent;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Release trains over the REST API and the real broker and database: a backend and two frontends
 * that depend on it, with each member's traffic and analysis answered by a {@link Simulated}
 * stand-in.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class TrainLifecycleTest {

    static final String MEMBER_STRATEGY =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":20},"
                    + "{\"analysis\":{\"metrics\":[\"error-rate\"],\"interval\":\"1s\",\"count\":1,\"failureLimit\":0}}]}";

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    /** A registered backend and two frontends depending on it, released as one train. */
    record Released(String trainId, Simulated backend, Simulated web, Simulated mobile) {

        List<Simulated> members() {
            return List.of(backend, web, mobile);
        }
    }

    /**
     * A backend and two frontends, registered with {@link #MEMBER_STRATEGY}, named with one new
     * suffix.
     */
    private static List<String> registerMembers(String suffix) {
        List<String> services = List.of("backend-" + suffix, "web-" + suffix, "mobile-" + suffix);
        services.forEach(service -> Simulated.registerService(service, MEMBER_STRATEGY));
        return services;
    }

    private Released release(String rollbackWindow) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = registerMembers(suffix);
        String backend = services.get(0);
        String web = services.get(1);
        String mobile = services.get(2);
        JsonPath answer =
                given().contentType(ContentType.JSON)
                        .body(trainBody("checkout " + suffix, backend, web, mobile, rollbackWindow))
                        .when()
                        .post("/api/trains")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath();
        Map<String, String> members = answer.getMap("members");
        return new Released(
                answer.getString("trainId"),
                new Simulated(probe, codec, members.get(backend), backend),
                new Simulated(probe, codec, members.get(web), web),
                new Simulated(probe, codec, members.get(mobile), mobile));
    }

    static String trainBody(
            String name, String backend, String web, String mobile, String rollbackWindow) {
        return "{\"name\":\""
                + name
                + "\",\"environment\":\"prod\",\"members\":["
                + member(backend, null)
                + ","
                + member(web, backend)
                + ","
                + member(mobile, backend)
                + "],"
                + "\"cutover\":{\"rollbackWindow\":\""
                + rollbackWindow
                + "\"}}";
    }

    private static String member(String service, String dependsOn) {
        return "{\"service\":\""
                + service
                + "\",\"version\":\"v2\",\"endpoints\":[\"http://127.0.0.1:9002\"]"
                + (dependsOn == null ? "" : ",\"dependsOn\":[\"" + dependsOn + "\"]")
                + "}";
    }

    static String trainState(String trainId) {
        return given().when()
                .get("/api/trains/" + trainId)
                .then()
                .statusCode(200)
                .extract()
                .path("state");
    }

    /** Answers every member's steps and analyses until the train is in {@code state}. */
    private void driveUntil(Released train, String state) {
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            train.members().forEach(Simulated::answer);
                            return state.equals(trainState(train.trainId()));
                        });
    }

    /**
     * When the rollout's log first has an entry of {@code type} whose cause contains {@code cause}.
     */
    private static Instant logged(String rolloutId, String type, String cause) {
        List<Map<String, Object>> history =
                given().when()
                        .get("/api/rollouts/" + rolloutId + "/history")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$");
        return history.stream()
                .filter(
                        e ->
                                type.equals(e.get("type"))
                                        && String.valueOf(e.get("cause")).contains(cause))
                .map(e -> Instant.parse((String) e.get("occurredAt")))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "rollout "
                                                + rolloutId
                                                + " logged no "
                                                + type
                                                + " caused by '"
                                                + cause
                                                + "'"));
    }

    private static Instant firstLogged(String rolloutId) {
        return Instant.parse(
                given().when()
                        .get("/api/rollouts/" + rolloutId + "/history")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("[0].occurredAt"));
    }

    @Test
    void aTrainCanariesTheBackendFirstThenItsFrontendsThenCutsAllOverAndSucceeds() {
        Released train = release("1s");
        train.backend().verdict = null;
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            train.backend().answer();
                            return Simulated.step(train.backend().id()) == 2;
                        });
        // the backend is in its analysis: its gates have not passed, so neither frontend has a
        // rollout yet
        given().when().get("/api/rollouts/" + train.web().id()).then().statusCode(404);
        given().when().get("/api/rollouts/" + train.mobile().id()).then().statusCode(404);
        given().when()
                .get("/api/trains/" + train.trainId())
                .then()
                .body("phase", equalTo("CANARY"))
                .body("members.standing", equalTo(List.of("CANARY", "WAITING", "WAITING")));
        given().when()
                .post("/api/trains/" + train.trainId() + "/promote")
                .then()
                .statusCode(409)
                .body("message", containsString("have not passed their gates yet"));

        train.backend().verdict = Verdict.PASS;
        driveUntil(train, "SUCCEEDED");

        Instant backendGatesPassed = logged(train.backend().id(), "TRANSITION", "gates passed");
        for (Simulated frontend : List.of(train.web(), train.mobile())) {
            assertThat(Simulated.state(frontend.id())).isEqualTo("SUCCEEDED");
            assertThat(firstLogged(frontend.id())).isAfterOrEqualTo(backendGatesPassed);
            // the cutover goes dependencies first: the backend served 100 % before a frontend was
            // asked to
            assertThat(logged(frontend.id(), "STEP", "cut over"))
                    .isAfterOrEqualTo(logged(train.backend().id(), "TRANSITION", "cut over:"));
            assertThat(frontend.steps())
                    .extracting(s -> s.weights().canary())
                    .containsExactly(20.0, 100.0, 100.0);
        }
        for (Simulated member : train.members()) {
            assertThat(Simulated.state(member.id())).isEqualTo("SUCCEEDED");
            given().when()
                    .get("/api/services/" + member.service())
                    .then()
                    .body("stable.version", equalTo("v2"));
            given().when()
                    .get("/api/rollouts/" + member.id() + "/fold")
                    .then()
                    .body("equal", equalTo(true));
        }
        given().when()
                .get("/api/trains/" + train.trainId() + "/fold")
                .then()
                .statusCode(200)
                .body("equal", equalTo(true));
        given().when()
                .get("/api/trains/" + train.trainId() + "/history")
                .then()
                .statusCode(200)
                .body("cause", hasItem("the rollback window ended"));
        TrainEvent last =
                codec.decode(
                        probe.awaitRecord(
                                        Topics.ROLLOUT_EVENTS,
                                        r ->
                                                train.trainId().equals(r.key())
                                                        && codec.decode(r.value(), TrainEvent.class)
                                                                        .to()
                                                                == RolloutState.SUCCEEDED)
                                .value(),
                        TrainEvent.class);
        assertThat(last.members())
                .extracting(m -> m.state())
                .containsExactly("SUCCEEDED", "SUCCEEDED", "SUCCEEDED");
    }

    @Test
    void aTwentyMemberTrainCutsOverLevelByLevelAndAbortsHighestLevelFirstEachConfirmedFirst()
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // four levels of five: member j of level k depends on member j of level k - 1
        List<List<String>> levels = new ArrayList<>();
        List<Map<String, Object>> members = new ArrayList<>();
        for (int level = 0; level < 4; level++) {
            List<String> names = new ArrayList<>();
            for (int j = 0; j < 5; j++) {
                String service = "l" + level + "-" + j + "-" + suffix;
                Simulated.registerService(service, MEMBER_STRATEGY);
                names.add(service);
                Map<String, Object> member = new LinkedHashMap<>();
                member.put("service", service);
                member.put("version", "v2");
                member.put("endpoints", List.of("http://127.0.0.1:9002"));
                if (level > 0) {
                    member.put("dependsOn", List.of(levels.get(level - 1).get(j)));
                }
                members.add(member);
            }
            levels.add(names);
        }
        JsonPath answer =
                given().contentType(ContentType.JSON)
                        .body(
                                new ObjectMapper()
                                        .writeValueAsString(
                                                Map.of(
                                                        "name",
                                                        "wide " + suffix,
                                                        "environment",
                                                        "prod",
                                                        "members",
                                                        members,
                                                        "cutover",
                                                        Map.of("rollbackWindow", "10m"))))
                        .when()
                        .post("/api/trains")
                        .then()
                        .statusCode(202)
                        .extract()
                        .jsonPath();
        String trainId = answer.getString("trainId");
        Map<String, String> ids = answer.getMap("members");
        List<Simulated> all =
                ids.entrySet().stream()
                        .map(e -> new Simulated(probe, codec, e.getValue(), e.getKey()))
                        .toList();
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Simulated.answerAll(all);
                            return "ROLLBACK_WINDOW"
                                    .equals(
                                            given().when()
                                                    .get("/api/trains/" + trainId)
                                                    .then()
                                                    .extract()
                                                    .path("phase"));
                        });
        given().queryParam("actor", "alice")
                .when()
                .post("/api/trains/" + trainId + "/abort")
                .then()
                .statusCode(200);
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Simulated.answerAll(all);
                            return "ABORTED".equals(trainState(trainId));
                        });

        List<Map<String, Object>> history =
                given().when()
                        .get("/api/trains/" + trainId + "/history")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$");
        for (int level = 0; level < 4; level++) {
            List<Long> asked = sequences(history, levels.get(level), m -> "let " + m + " cut over");
            // the whole level was let through in one decision
            assertThat(asked).hasSize(5);
            assertThat(Collections.max(asked) - Collections.min(asked)).isEqualTo(4);
            if (level > 0) {
                List<Long> below = sequences(history, levels.get(level - 1), m -> m + ": cut over");
                assertThat(Collections.min(asked))
                        .as("level %d cuts over only once level %d is read back", level, level - 1)
                        .isGreaterThan(Collections.max(below));
            }
            List<Long> aborted = sequences(history, levels.get(level), m -> "abort " + m);
            assertThat(aborted).hasSize(5);
            if (level < 3) {
                List<Long> above = sequences(history, levels.get(level + 1), m -> m + ": ended");
                assertThat(Collections.min(aborted))
                        .as(
                                "level %d aborts only once level %d is back on stable",
                                level, level + 1)
                        .isGreaterThan(Collections.max(above));
            }
        }
        for (Simulated member : all) {
            assertThat(Simulated.state(member.id())).isEqualTo("ABORTED");
        }
        given().when().get("/api/trains/" + trainId + "/fold").then().body("equal", equalTo(true));
    }

    /**
     * Per member, the sequence of the first history entry whose cause starts with {@code cause} of
     * it: an action the train took ("let m cut over", "abort m"), or the news it heard ("m: cut
     * over", read back at 100 %; "m: ended"), which is logged before what the train does about it.
     */
    private static List<Long> sequences(
            List<Map<String, Object>> history,
            List<String> services,
            java.util.function.Function<String, String> cause) {
        List<Long> found = new ArrayList<>();
        for (String service : services) {
            history.stream()
                    .filter(e -> String.valueOf(e.get("cause")).startsWith(cause.apply(service)))
                    .map(e -> ((Number) e.get("sequence")).longValue())
                    .findFirst()
                    .ifPresent(found::add);
        }
        return found;
    }

    @Test
    void aFailingFrontendAbortsAllThreeBackToStableDependentsFirst() {
        Released train = release("1m");
        train.web().verdict = Verdict.FAIL;
        train.mobile().verdict = null;

        driveUntil(train, "ABORTED");

        for (Simulated member : train.members()) {
            assertThat(Simulated.state(member.id())).isEqualTo("ABORTED");
            assertThat(member.steps().get(member.steps().size() - 1).weights().canary())
                    .isEqualTo(0.0);
            given().when()
                    .get("/api/services/" + member.service())
                    .then()
                    .body("stable.version", equalTo("v1"));
        }
        // the backend went back to stable only once both frontends were back
        Instant backendAborting = logged(train.backend().id(), "TRANSITION", "abort");
        assertThat(backendAborting)
                .isAfterOrEqualTo(
                        logged(train.web().id(), "TRANSITION", "all traffic is back on stable"));
        assertThat(backendAborting)
                .isAfterOrEqualTo(
                        logged(train.mobile().id(), "TRANSITION", "all traffic is back on stable"));
        given().when()
                .get("/api/trains/" + train.trainId())
                .then()
                .body(
                        "reason",
                        containsString(train.web().service() + " was aborted: analysis failed"))
                .body("members.standing", equalTo(List.of("ABORTED", "ABORTED", "ABORTED")));
        given().when()
                .get("/api/trains/" + train.trainId() + "/fold")
                .then()
                .body("equal", equalTo(true));
    }

    @Test
    void anAbortInTheRollbackWindowPutsEveryMemberBackOnStable() {
        Released train = release("10m");
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            train.members().forEach(Simulated::answer);
                            return "ROLLBACK_WINDOW"
                                    .equals(
                                            given().when()
                                                    .get("/api/trains/" + train.trainId())
                                                    .then()
                                                    .extract()
                                                    .path("phase"));
                        });
        for (Simulated member : train.members()) {
            given().when()
                    .get("/api/rollouts/" + member.id())
                    .then()
                    .body("canaryWeight", equalTo(100.0f));
        }

        given().queryParam("actor", "alice")
                .queryParam("reason", "checkout errors")
                .when()
                .post("/api/trains/" + train.trainId() + "/abort")
                .then()
                .statusCode(200);
        driveUntil(train, "ABORTED");

        for (Simulated member : train.members()) {
            assertThat(Simulated.state(member.id())).isEqualTo("ABORTED");
            assertThat(member.steps().get(member.steps().size() - 1).weights().canary())
                    .isEqualTo(0.0);
        }
        given().when()
                .get("/api/trains/" + train.trainId())
                .then()
                .body("reason", equalTo("aborted by alice: checkout errors"));
        given().when()
                .post("/api/trains/" + train.trainId() + "/resume")
                .then()
                .statusCode(409)
                .body("message", containsString("already ended"));
    }

    @Test
    void aCommandOfSchemaVersionOneOnKafkaStillReachesItsTrainByItsId() {
        Released train = release("10m");
        // as a version-1 client sends it: no target, the train known by its id alone
        probe.send(
                Topics.ROLLOUT_COMMANDS,
                train.trainId(),
                """
                {"schemaVersion": 1, "commandId": "%s", "rolloutId": "%s", "type": "PAUSE",
                 "actor": "carol", "source": "kafka"}
                """
                        .formatted(UUID.randomUUID(), train.trainId()));

        await().atMost(TopicProbe.WAIT).until(() -> "PAUSED".equals(trainState(train.trainId())));
    }

    @Test
    void badTrainsAreRefusedWholeNamingEachProblem() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String a = "a-" + suffix;
        String b = "b-" + suffix;
        Simulated.registerService(a, MEMBER_STRATEGY);
        Simulated.registerService(b, MEMBER_STRATEGY);
        String unknown =
                "{\"name\":\"bad\",\"environment\":\"prod\",\"members\":["
                        + "{\"service\":\""
                        + a
                        + "\",\"version\":\"v2\",\"endpoints\":[\"e\"]},"
                        + "{\"service\":\""
                        + b
                        + "\",\"version\":\"v2\",\"endpoints\":[\"e\"],\"dependsOn\":[\"nobody\"]}],"
                        + "\"cutover\":{\"rollbackWindow\":\"soon\"}}";
        given().contentType(ContentType.JSON)
                .body(unknown)
                .when()
                .post("/api/trains")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItem(
                                "members[1].dependsOn: 'nobody' is not a member of the train (members: "
                                        + a
                                        + ", "
                                        + b
                                        + ")"))
                .body(
                        "problems",
                        hasItem(
                                "cutover.rollbackWindow: 'soon' is not a duration such as 500ms, 30s, 10m or 1h"));
        String cycle =
                "{\"name\":\"loop\",\"environment\":\"prod\",\"members\":["
                        + "{\"service\":\""
                        + a
                        + "\",\"version\":\"v2\",\"endpoints\":[\"e\"],\"dependsOn\":[\""
                        + b
                        + "\"]},"
                        + "{\"service\":\""
                        + b
                        + "\",\"version\":\"v2\",\"endpoints\":[\"e\"],\"dependsOn\":[\""
                        + a
                        + "\"]}]}";
        given().contentType(ContentType.JSON)
                .body(cycle)
                .when()
                .post("/api/trains")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItem("members: the dependencies of " + a + ", " + b + " form a cycle"));
        String unreachable =
                "{\"name\":\"nowhere\",\"environment\":\"prod\",\"members\":["
                        + "{\"service\":\""
                        + a
                        + "\",\"version\":\"v2\",\"endpoints\":[\"http://10.0.0.1:8080\"]},"
                        + "{\"service\":\""
                        + b
                        + "\",\"version\":\"v2\",\"endpoints\":[\"http://10.0.0.2:8080\",\"not a url\"]}]}";
        given().contentType(ContentType.JSON)
                .body(unreachable)
                .when()
                .post("/api/trains")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                startsWith(
                                        "members[1].endpoints[1]: 'not a url' is not http(s)://host:port or host:port")));
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"environment\":\"prod\",\"members\":[]}")
                .when()
                .post("/api/trains")
                .then()
                .statusCode(400)
                .body("problems", hasItem(containsString("members")));
        given().when().get("/api/rollouts?service=" + a).then().body("size()", equalTo(0));
        given().when().get("/api/trains/train-nope").then().statusCode(404);
    }

    @Test
    void
            aTrainOnReleaseEventsStartsLikeOneOverRestTheSameEventIdTwiceIsOneTrainAndABadOneIsDeadLettered() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = registerMembers(suffix);
        String backend = services.get(0);
        String web = services.get(1);
        String mobile = services.get(2);
        String name = "kafka " + suffix;
        String body =
                trainBody(name, backend, web, mobile, "1s")
                        .replaceFirst("\\{", "{\"eventId\":\"ci-" + suffix + "\",");
        probe.send(Topics.RELEASE_EVENTS, name, body);
        probe.send(Topics.RELEASE_EVENTS, name, body);
        String broken =
                "{\"name\":\""
                        + name
                        + "\",\"environment\":\"prod\",\"members\":[{\"service\":\""
                        + backend
                        + "\"}]}";
        probe.send(Topics.RELEASE_EVENTS, name, broken);

        // same key, same partition: once the broken one is dead-lettered, both copies before it
        // were handled
        var dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.RELEASE_EVENTS),
                        TopicProbe.WAIT,
                        r -> name.equals(r.key()));
        assertThat(TopicProbe.header(dead, Topics.DLQ_REASON_HEADER))
                .contains("members[0].version: must not be blank")
                .contains("members[0].endpoints: must not be empty");
        List<String> trains =
                given().when()
                        .get("/api/trains?limit=1000")
                        .then()
                        .extract()
                        .path("findAll { it.name == '" + name + "' }.id");
        assertThat(trains).hasSize(1);
        given().when()
                .get("/api/trains/" + trains.get(0))
                .then()
                .body("members.service", equalTo(List.of(backend, web, mobile)))
                .body("members[0].standing", equalTo("CANARY"));
    }
}
