package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.Weights;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Rollouts driven over the REST API and the real broker, with the traffic and analysis answers
 * simulated.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class RolloutLifecycleTest {

    private static final String CANARY =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},"
                    + "{\"analysis\":{\"metrics\":[\"error-rate\"],\"interval\":\"1s\",\"count\":2,\"failureLimit\":0}},"
                    + "{\"setWeight\":50},{\"pause\":{\"duration\":\"1s\"}}]}";
    private static final String PREVIEW =
            "{\"kind\":\"HEADER\",\"name\":\"x-preview\",\"value\":\"1\",\"target\":\"CANARY\"}";
    private static final String BLUE_GREEN =
            "{\"type\":\"blueGreen\",\"blueGreen\":{\"preview\":"
                    + PREVIEW
                    + ",\"rollbackWindow\":\"1s\"}}";
    private static final String CANARY_THEN_BLUE_GREEN =
            "{\"type\":\"canaryThenBlueGreen\",\"ceiling\":20,"
                    + "\"steps\":[{\"setWeight\":10},{\"setWeight\":20}],"
                    + "\"blueGreen\":{\"preview\":"
                    + PREVIEW
                    + ",\"autoPromote\":true,\"rollbackWindow\":\"1s\"}}";

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;
    @Inject RolloutDriver driver;
    @Inject MeterRegistry meters;

    private static String newService() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Registers a service with {@code strategy}, releases v2 of it, and simulates its traffic and
     * analysis.
     */
    private Simulated run(String strategy) {
        String service = newService();
        Simulated.registerService(service, strategy);
        return new Simulated(probe, codec, Simulated.release(service, "v2"), service);
    }

    /** Answers steps and analyses until the rollout is in one of {@code states}. */
    private void driveUntil(Simulated simulated, String rolloutId, String... states) {
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            simulated.answer();
                            return Set.of(states).contains(Simulated.state(rolloutId));
                        });
    }

    private void assertFoldEqualsStoredState(String rolloutId) {
        given().when()
                .get("/api/rollouts/" + rolloutId + "/fold")
                .then()
                .statusCode(200)
                .body("equal", equalTo(true));
    }

    private static void command(String rolloutId, String action, int status) {
        given().queryParam("actor", "alice")
                .when()
                .post("/api/rollouts/" + rolloutId + "/" + action)
                .then()
                .statusCode(status);
    }

    private static void command(String rolloutId, String action, String reason) {
        given().queryParam("actor", "alice")
                .queryParam("reason", reason)
                .when()
                .post("/api/rollouts/" + rolloutId + "/" + action)
                .then()
                .statusCode(200);
    }

    @Test
    void aCanaryWalksItsStepsOnConfirmedTrafficAndPassingAnalysisToSucceeded() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();

        driveUntil(simulated, id, "SUCCEEDED");

        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .containsExactly(10.0, 50.0, 100.0);
        assertFoldEqualsStoredState(id);
        given().when()
                .get("/api/services/" + simulated.service())
                .then()
                .body("stable.version", equalTo("v2"))
                .body("stable.endpoints[0]", equalTo("http://127.0.0.1:9002"));
        assertThat(announcement(id).path("type").asText())
                .isEqualTo("dev.cdevents.service.upgraded.0.3.0");
        assertThat(
                        announcement(id)
                                .path("data")
                                .path("subject")
                                .path("content")
                                .path("environment")
                                .path("id")
                                .asText())
                .isEqualTo("prod");
        given().when()
                .get("/api/rollouts/" + id + "/history")
                .then()
                .statusCode(200)
                .body("type", hasItems("INPUT", "STEP", "TRANSITION", "ANALYSIS", "ANNOUNCEMENT"))
                .body("cause", hasItems("timer", "analysis started"));
    }

    @Test
    void aBlueGreenPreviewsByHeaderIsSwitchedByPromoteAndSucceedsAfterItsRollbackWindow() {
        Simulated simulated = run(BLUE_GREEN);
        String id = simulated.id();
        await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            simulated.answer();
                            return Simulated.step(id) == 2;
                        });
        RolloutStep preview = simulated.steps().get(0);
        assertThat(preview.weights()).isEqualTo(Weights.allStable());
        assertThat(preview.matchRules()).extracting(r -> r.name()).containsExactly("x-preview");

        command(id, "promote", 200);
        driveUntil(simulated, id, "SUCCEEDED");

        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .containsExactly(0.0, 100.0, 100.0);
        assertFoldEqualsStoredState(id);
    }

    @Test
    void aCanaryThenBlueGreenRampsToItsCeilingThenCutsOverToSucceeded() {
        Simulated simulated = run(CANARY_THEN_BLUE_GREEN);
        String id = simulated.id();

        driveUntil(simulated, id, "SUCCEEDED");

        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .containsExactly(10.0, 20.0, 100.0, 100.0);
        assertFoldEqualsStoredState(id);
    }

    @Test
    void anAbortWhileProgressingReturnsAllTrafficToStableOnceTheGatewayConfirms() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        driveUntil(simulated, id, "PROGRESSING");

        command(id, "abort", "errors in eu-west");
        assertThat(Simulated.state(id)).isEqualTo("ABORTING");
        driveUntil(simulated, id, "ABORTED");
        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("reason", equalTo("aborted by alice: errors in eu-west"));

        List<RolloutStep> steps = simulated.steps();
        assertThat(steps.get(steps.size() - 1).weights()).isEqualTo(Weights.allStable());
        assertFoldEqualsStoredState(id);
        assertThat(announcement(id).path("type").asText())
                .isEqualTo("dev.cdevents.service.rolledback.0.3.0");
    }

    @Test
    void replaySendsTheDesiredTrafficStateAgainUnderANewSequence() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        simulated.verdict = null; // the rollout stays in its analysis step, with 10 % confirmed
        await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            simulated.answer();
                            return Simulated.step(id) == 2;
                        });

        given().queryParam("actor", "ops")
                .when()
                .post("/api/rollouts/" + id + "/replay")
                .then()
                .statusCode(200);

        await().atMost(TopicProbe.WAIT).until(() -> simulated.steps().size() == 2);
        List<RolloutStep> steps = simulated.steps();
        assertThat(steps.get(1).weights()).isEqualTo(steps.get(0).weights());
        assertThat(steps.get(1).sequence()).isGreaterThan(steps.get(0).sequence());
        assertFoldEqualsStoredState(id);
    }

    @Test
    void aDriftReportedByTheTrafficServiceIsInTheHistoryAndChangesNothing() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        simulated.verdict = null; // the rollout stays in its analysis step, with 10 % confirmed
        await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            simulated.answer();
                            return Simulated.step(id) == 2;
                        });
        RolloutStep confirmed = simulated.steps().get(0);
        String found =
                "drift found: the gateway served stable 60.00 % / canary 40.00 % instead of step "
                        + confirmed.sequence()
                        + "; not corrected (the binding's drift policy is 'report')";

        probe.send(
                Topics.TRAFFIC_APPLIED,
                id,
                codec.encode(
                        new TrafficApplied(
                                TrafficApplied.SCHEMA_VERSION,
                                id,
                                confirmed.sequence(),
                                confirmed.service(),
                                TrafficApplied.Outcome.DRIFTED,
                                Weights.canaryPercent(40),
                                List.of(),
                                "gateway-api",
                                found,
                                java.time.Instant.now())));

        await().atMost(TopicProbe.WAIT)
                .untilAsserted(
                        () ->
                                given().when()
                                        .get("/api/rollouts/" + id + "/history")
                                        .then()
                                        .body(
                                                "findAll { it.payload.input == 'DriftReported' }.payload.found",
                                                contains(found)));
        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("state", equalTo("PROGRESSING"))
                .body("canaryWeight", equalTo(10.0f));
        assertThat(simulated.steps()).hasSize(1);
        assertFoldEqualsStoredState(id);
    }

    private JsonNode announcement(String rolloutId) {
        String value = probe.awaitRecord(Topics.CDEVENTS, r -> rolloutId.equals(r.key())).value();
        try {
            return new ObjectMapper().readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTransitionCountsInTheMetricsOnlyOnceItsTransactionCommits() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        double paused = pausedTransitions();

        // a decision whose transaction rolls back (a batch of inputs that failed) counts nothing
        assertThatThrownBy(
                        () ->
                                QuarkusTransaction.requiringNew()
                                        .run(
                                                () -> {
                                                    driver.apply(
                                                            Rollout.findLocked(id).orElseThrow(),
                                                            new CommandReceived(
                                                                    RolloutCommand.Type.PAUSE,
                                                                    "alice"),
                                                            "pause (rolled back)",
                                                            "alice");
                                                    throw new IllegalStateException("rolled back");
                                                }))
                .hasMessage("rolled back");
        assertThat(Simulated.state(id)).isNotEqualTo("PAUSED");
        assertThat(pausedTransitions()).isEqualTo(paused);

        command(id, "pause", 200);
        assertThat(pausedTransitions()).isEqualTo(paused + 1);
    }

    private double pausedTransitions() {
        return meters.find("glide.rollout.transitions").tag("to", "PAUSED").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void anAbortWhilePausedReturnsAllTrafficToStable() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        command(id, "pause", 200);
        assertThat(Simulated.state(id)).isEqualTo("PAUSED");

        command(id, "abort", 200);
        driveUntil(simulated, id, "ABORTED");

        assertThat(simulated.steps().get(simulated.steps().size() - 1).weights())
                .isEqualTo(Weights.allStable());
        assertFoldEqualsStoredState(id);
    }

    @Test
    void aFailingAnalysisAbortsTheRolloutByItself() {
        Simulated simulated = run(CANARY);
        String id = simulated.id();
        simulated.verdict = AnalysisVerdict.Verdict.FAIL;

        driveUntil(simulated, id, "ABORTED");

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("reason", equalTo("analysis failed: simulated FAIL"));
        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .containsExactly(10.0, 0.0);
        assertFoldEqualsStoredState(id);
    }

    @Test
    void aFailedPostPromotionGateReturnsEveryoneToStableAndTheEndCarriesTheOnAbortGates() {
        Simulated simulated =
                run(
                        "{\"type\":\"canary\",\"steps\":[{\"setWeight\":20}],\"gates\":["
                                + "{\"name\":\"verify\",\"phase\":\"postPromotion\",\"url\":\"http://t/verify\"},"
                                + "{\"name\":\"tell\",\"phase\":\"onAbort\",\"url\":\"http://t/tell\"}]}");
        String id = simulated.id();
        simulated.verdict = AnalysisVerdict.Verdict.FAIL;

        driveUntil(simulated, id, "ABORTED");

        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .as("all users on the new version, then back on stable")
                .containsExactly(20.0, 100.0, 0.0);
        List<RolloutEvent> events =
                probe.readAll(Topics.ROLLOUT_EVENTS, r -> id.equals(r.key())).stream()
                        .map(r -> codec.decode(r.value(), RolloutEvent.class))
                        .toList();
        assertThat(events)
                .filteredOn(e -> e.analysis() != null && !e.to().isFinal())
                .singleElement()
                .satisfies(
                        e ->
                                assertThat(e.analysis().gates())
                                        .extracting(Gate::name)
                                        .containsExactly("verify"));
        assertThat(events)
                .filteredOn(e -> e.to() == RolloutState.ABORTED)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.analysis().gates())
                                    .extracting(Gate::name)
                                    .containsExactly("tell");
                            assertThat(e.analysis().targets().stable().version()).isEqualTo("v1");
                        });
        assertFoldEqualsStoredState(id);
    }

    @Test
    void anAbortInsideTheBlueGreenRollbackWindowPutsEverythingBackOnBlueInOneStep() {
        Simulated simulated =
                run(
                        "{\"type\":\"blueGreen\",\"blueGreen\":{\"preview\":"
                                + PREVIEW
                                + ",\"autoPromote\":true,\"rollbackWindow\":\"10m\"}}");
        String id = simulated.id();
        await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            simulated.answer();
                            return Simulated.step(id) == 3;
                        });

        command(id, "abort", 200);
        driveUntil(simulated, id, "ABORTED");

        assertThat(simulated.steps())
                .extracting(s -> s.weights().canary())
                .containsExactly(0.0, 100.0, 0.0);
        assertFoldEqualsStoredState(id);
    }

    @Test
    void aSecondReleaseWaitsForTheRunningRolloutAndAnAbortWhilePendingEndsItAtOnce() {
        String service = newService();
        Simulated.registerService(service, CANARY);
        String first = Simulated.release(service, "v2");
        String second = Simulated.release(service, "v3");
        String third = Simulated.release(service, "v4");
        assertThat(Simulated.state(second)).isEqualTo("PENDING");

        command(third, "abort", 200);
        assertThat(Simulated.state(third)).isEqualTo("ABORTED");
        command(first, "abort", 200);
        driveUntil(new Simulated(probe, codec, first, service), first, "ABORTED");

        await().atMost(TopicProbe.WAIT).until(() -> "PROGRESSING".equals(Simulated.state(second)));
        assertFoldEqualsStoredState(third);
        given().when().get("/api/rollouts/" + second).then().body("stableVersion", equalTo("v1"));
        given().when().get("/api/services/" + service).then().body("stable.version", equalTo("v1"));
    }

    @Test
    void releasesOfOneServiceArrivingTogetherAreAllAcceptedAndOnlyOneOfThemRuns() throws Exception {
        String service = newService();
        Simulated.registerService(service, CANARY);
        var pool = Executors.newFixedThreadPool(8);
        try {
            var accepted =
                    pool.invokeAll(
                            IntStream.rangeClosed(2, 9)
                                    .mapToObj(
                                            v ->
                                                    (Callable<String>)
                                                            () ->
                                                                    Simulated.release(
                                                                            service, "v" + v))
                                    .toList());
            List<String> states = new ArrayList<>();
            for (var rollout : accepted) {
                states.add(Simulated.state(rollout.get()));
            }
            assertThat(states)
                    .hasSize(8)
                    .containsOnlyOnce("PROGRESSING")
                    .containsOnly("PROGRESSING", "PENDING");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readBacksOfManyRolloutsArrivingAtOnceAreAppliedTogetherAndEachRolloutKeepsItsOrder() {
        String steps = "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"setWeight\":50}]}";
        double before =
                metric("glide_planner_inputs_per_transaction_sum")
                        - metric("glide_planner_inputs_per_transaction_count");
        List<Simulated> first = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String service = newService();
            Simulated.registerService(service, steps);
            first.add(new Simulated(probe, codec, Simulated.release(service, "v2"), service));
            // a second release of every third service waits for the first to end
            if (i % 3 == 0) {
                queued.add(Simulated.release(service, "v3"));
            }
        }
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Simulated.answerAll(first);
                            return first.stream()
                                    .allMatch(m -> "SUCCEEDED".equals(Simulated.state(m.id())));
                        });
        for (Simulated member : first) {
            List<RolloutStep> published = member.steps();
            assertThat(published)
                    .extracting(RolloutStep::sequence)
                    .as("rollout %s's steps, in the order published", member.id())
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(published)
                    .extracting(step -> step.weights().canary())
                    .startsWith(10.0, 50.0)
                    .endsWith(100.0);
            assertFoldEqualsStoredState(member.id());
        }
        // each queued release started when its service's first rollout ended
        for (String id : queued) {
            assertThat(Simulated.state(id)).isEqualTo("PROGRESSING");
        }
        // some read-backs shared a transaction: more inputs than transactions
        assertThat(
                        metric("glide_planner_inputs_per_transaction_sum")
                                - metric("glide_planner_inputs_per_transaction_count"))
                .isGreaterThan(before);
    }

    /** A value of the planner's Prometheus metrics (0 when it is not there yet). */
    private static double metric(String name) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void underTheSupersedePolicyANewReleaseAbortsTheRunningRolloutFirstThenStarts() {
        String service = newService();
        Simulated.registerService(service, CANARY, "supersede");
        Simulated first = new Simulated(probe, codec, Simulated.release(service, "v2"), service);
        driveUntil(first, first.id(), "PROGRESSING");

        Simulated second = new Simulated(probe, codec, Simulated.release(service, "v3"), service);
        assertThat(Simulated.state(first.id())).isEqualTo("ABORTING");
        assertThat(Simulated.state(second.id())).isEqualTo("PENDING");
        driveUntil(first, first.id(), "ABORTED");

        await().atMost(TopicProbe.WAIT)
                .until(() -> "PROGRESSING".equals(Simulated.state(second.id())));
        given().when()
                .get("/api/rollouts/" + first.id())
                .then()
                .body(
                        "reason",
                        equalTo(
                                "aborted by glide: superseded by release v3 (rollout "
                                        + second.id()
                                        + ")"));
        assertFoldEqualsStoredState(first.id());
        assertFoldEqualsStoredState(second.id());
    }

    @Test
    void commandsThatMakeNoSenseNowAreRefusedWithTheReason() {
        String id = run(CANARY).id();

        given().when()
                .post("/api/rollouts/" + id + "/resume")
                .then()
                .statusCode(409)
                .body("message", equalTo("the rollout is not paused"));
        given().when()
                .post("/api/rollouts/" + id + "/explode")
                .then()
                .statusCode(400)
                .body(
                        "problems[0]",
                        equalTo("action: 'explode' is not one of promote, abort, pause, resume"));
        given().when()
                .post("/api/rollouts/no-such-rollout/abort")
                .then()
                .statusCode(404)
                .body("error", equalTo("no rollout with id 'no-such-rollout'"));
    }

    @Test
    void theSameCommandIdTwiceActsOnce() {
        String id = run(CANARY).id();

        given().queryParam("commandId", "c-1")
                .when()
                .post("/api/rollouts/" + id + "/pause")
                .then()
                .statusCode(200);
        given().queryParam("commandId", "c-1")
                .when()
                .post("/api/rollouts/" + id + "/pause")
                .then()
                .statusCode(200)
                .body("message", containsString("was already received"));
    }

    @Test
    void badRegistrationsAndReleasesAreRefusedNamingEachField() {
        given().contentType(ContentType.JSON)
                .body("{\"gateway\":{\"adapter\":\"noop\"},\"stable\":{}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "gateway.route: must not be blank",
                                "stable.version: must not be blank",
                                "team: must not be blank"));
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"t\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\"},\"strategy\":{\"type\":\"canaryThenBlueGreen\",\"ceiling\":20,"
                                + "\"steps\":[{\"setWeight\":50}]}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid strategy"))
                .body(
                        "problems[0]",
                        containsString(
                                "steps[0].setWeight: 50.0 is above the canary ceiling of 20.0 %"));
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"t\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\"},\"strategy\":{\"type\":\"canary\",\"gates\":["
                                + "{\"name\":\"smoke\",\"phase\":\"beforeLunch\",\"url\":\"not a url\","
                                + "\"timeout\":\"-5s\",\"retries\":-1,\"onFailure\":\"shrug\"}]}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "strategy.gates[0].phase: must be preRollout, prePromotion, rollout, postPromotion or onAbort (was \"beforeLunch\")",
                                "strategy.gates[0].url: must be an http or https URL such as http://tests.internal/gate (was \"not a url\")",
                                "strategy.gates[0].timeout: must be a duration such as 500ms, 5s or 1m (was \"-5s\")",
                                "strategy.gates[0].retries: must be greater than or equal to 0 (was -1)",
                                "strategy.gates[0].onFailure: must be abort or pause (was \"shrug\")"));
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"t\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\"},\"strategy\":{\"type\":\"canary\",\"gates\":["
                                + "{\"name\":\"both\",\"phase\":\"rollout\",\"url\":\"http://t/gate\",\"test\":{}},"
                                + "{\"name\":\"neither\",\"phase\":\"rollout\"},"
                                + "{\"name\":\"odd\",\"phase\":\"rollout\",\"test\":{\"kind\":\"soak\",\"rate\":-2,"
                                + "\"requests\":0,\"method\":\"FETCH\",\"path\":\"health\",\"expectStatus\":700,"
                                + "\"url\":\"gateway\"}},"
                                + "{\"name\":\"long\",\"phase\":\"rollout\",\"test\":{\"duration\":\"1m\"}},"
                                + "{\"name\":\"early\",\"phase\":\"preRollout\",\"test\":{\"kind\":\"load\"}}]}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "strategy.gates[0]: must be either a webhook (url) or a test Glide runs (test), exactly one of them",
                                "strategy.gates[1]: must be either a webhook (url) or a test Glide runs (test), exactly one of them",
                                "strategy.gates[2].test.kind: must be smoke or load (was \"soak\")",
                                "strategy.gates[2].test.rate: must be greater than 0 (was -2.0)",
                                "strategy.gates[2].test.requests: must be greater than or equal to 1 (was 0)",
                                "strategy.gates[2].test.method: must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS (was \"FETCH\")",
                                "strategy.gates[2].test.path: must start with / and hold no spaces, such as /health (was \"health\")",
                                "strategy.gates[2].test.expectStatus: must be less than or equal to 599 (was 700)",
                                "strategy.gates[2].test.url: must be a gateway address such as http://gateway.internal:8080 (was \"gateway\")",
                                "strategy.gates[3].test: takes a duration only as a load test (kind load); a smoke test sends its requests"));
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"t\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\"},\"strategy\":{\"type\":\"canary\",\"gates\":["
                                + "{\"name\":\"early\",\"phase\":\"preRollout\",\"test\":{\"kind\":\"load\"}}]}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems[0]",
                        containsString(
                                "gates[0].test.kind: a load test's requests are judged by the analysis it runs beside; a preRollout gate has none here"));
        given().contentType(ContentType.JSON)
                .body(
                        "{\"service\":\"nobody\",\"version\":\"v2\",\"environment\":\"prod\","
                                + "\"endpoints\":[\"http://h:1\"]}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(404)
                .body(
                        "error",
                        equalTo(
                                "no service named 'nobody' is registered; register it first with PUT /api/services/nobody"));
        given().contentType(ContentType.JSON)
                .body("{\"service\":\"x\",\"endpoints\":[]}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "endpoints: must not be empty",
                                "environment: must not be blank",
                                "version: must not be blank"));
        given().when().get("/api/services/nobody").then().statusCode(404);
    }

    @Test
    void aStrategyWhoseMatchRulesTheBindingsAdapterCannotServeIsRefusedAtRegistration() {
        String service = newService();
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"payments\",\"gateway\":{\"adapter\":\"nginx\",\"route\":\"shop.example\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},"
                                + "\"strategy\":{\"type\":\"segmentFirst\",\"segment\":{\"match\":["
                                + "{\"kind\":\"COOKIE\",\"name\":\"beta-user\",\"value\":\"1\",\"target\":\"CANARY\"}],"
                                + "\"stickyKey\":\"x user\"},\"steps\":[{\"setWeight\":50}]}}")
                .when()
                .put("/api/services/" + service)
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                "strategy: the nginx adapter cannot match cookie 'beta-user': NGINX names a cookie in a variable, which takes only letters, digits and _",
                                "strategy.stickyKey: the nginx adapter cannot match header 'x user': only letters, digits, - and _ make a header NGINX can name"));
        given().when().get("/api/services/" + service).then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"payments\",\"gateway\":{\"adapter\":\"haproxy\",\"route\":\"be\","
                                + "\"stableTarget\":\"blue\",\"canaryTarget\":\"green\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},"
                                + "\"strategy\":{\"type\":\"canary\",\"steps\":[{\"mirror\":{\"percent\":20}},{\"setWeight\":50}]}}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                "strategy.mirror: the haproxy adapter cannot mirror requests: HAProxy has no native mirroring; use the embedded, nginx or gateway-api adapter"));
    }

    @Test
    void anAdapterTheTrafficServiceHasNotAndAnEndpointThatIsNoUrlAreRefusedAtTheDoor() {
        String istio = newService();
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"payments\",\"gateway\":{\"adapter\":\"istio\",\"route\":\"r\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]}}")
                .when()
                .put("/api/services/" + istio)
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                "gateway.adapter: 'istio' is not one of embedded, haproxy, gateway-api, nginx, noop"));
        given().when().get("/api/services/" + istio).then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"payments\",\"gateway\":{\"adapter\":\"haproxy\",\"route\":\"be\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"ftp://127.0.0.1:21\"]},"
                                + "\"canaryEndpoints\":[\"http://127.0.0.1:99999\"]}")
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                "gateway.stableTarget: must be given for adapter 'haproxy'",
                                "gateway.canaryTarget: must be given for adapter 'haproxy'",
                                "stable.endpoints[0]: 'ftp://127.0.0.1:21' has scheme 'ftp'; expected http or https",
                                "canaryEndpoints[0]: 'http://127.0.0.1:99999' has port 99999; expected 1-65535"));

        String service = newService();
        Simulated.registerService(service, CANARY);
        given().contentType(ContentType.JSON)
                .body(
                        "{\"service\":\""
                                + service
                                + "\",\"version\":\"v2\",\"environment\":\"prod\","
                                + "\"endpoints\":[\"http://127.0.0.1:9002\",\"not a url\"]}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        contains(
                                startsWith(
                                        "endpoints[1]: 'not a url' is not http(s)://host:port or host:port")));
        given().when().get("/api/rollouts?service=" + service).then().body("size()", equalTo(0));
    }
}
