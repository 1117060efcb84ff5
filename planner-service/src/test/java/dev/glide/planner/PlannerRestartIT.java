package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.testsupport.FreePorts;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.ServiceProcess;
import dev.glide.testsupport.TopicProbe;
import io.restassured.RestAssured;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged planner, killed with -9 in the middle of three rollouts and started again: every
 * rollout resumes from its log and stored timers and finishes; no step is lost and none is sent
 * twice.
 */
class PlannerRestartIT {

    private static final String STRATEGY =
            "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{\"duration\":\"2s\"}},"
                    + "{\"setWeight\":40},{\"pause\":{\"duration\":\"1s\"}}]}";

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final int PORT = FreePorts.pick();
    private static Map<String, String> environment;
    private static Path logs;
    private static ServiceProcess planner;

    private final TopicProbe probe = TopicProbe.shared();
    private final EventCodec codec =
            new EventCodec(
                    Validation.byDefaultProvider()
                            .configure()
                            .messageInterpolator(new ParameterMessageInterpolator())
                            .buildValidatorFactory()
                            .getValidator());

    @BeforeAll
    static void startPlanner() throws IOException, InterruptedException {
        environment =
                Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", RealInfrastructure.bootstrapServers(),
                        "QUARKUS_DATASOURCE_JDBC_URL", RealInfrastructure.jdbcUrl());
        logs = Files.createDirectories(Path.of("target", "it-logs"));
        planner = startAndAwait();
        RestAssured.port = PORT;
    }

    @AfterAll
    static void stopPlanner() {
        if (planner != null) {
            planner.stop();
        }
    }

    private static ServiceProcess startAndAwait() throws IOException, InterruptedException {
        ServiceProcess started =
                ServiceProcess.start(ROOT, "planner-service", PORT, environment, logs);
        started.awaitHealthy(Duration.ofSeconds(120));
        return started;
    }

    private Simulated rollout() {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(service, STRATEGY);
        return new Simulated(probe, codec, Simulated.release(service, "v2"), service);
    }

    private static boolean everyLogEntryPublished(String rolloutId) {
        List<Object> unpublished =
                given().when()
                        .get("/api/rollouts/" + rolloutId + "/history")
                        .then()
                        .extract()
                        .path("findAll { it.publishedAt == null && it.type != 'INPUT' }");
        return unpublished.isEmpty();
    }

    @Test
    void aPlannerKilledMidRolloutResumesEveryRolloutWithNoStepLostOrSentTwice() throws Exception {
        Simulated inPause = rollout();
        Simulated awaitingTraffic = rollout();
        Simulated paused = rollout();
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                !inPause.steps().isEmpty()
                                        && !awaitingTraffic.steps().isEmpty()
                                        && !paused.steps().isEmpty());
        inPause.answer();
        given().when().post("/api/rollouts/" + paused.id() + "/pause").then().statusCode(200);
        paused.answer();
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                Simulated.step(inPause.id()) == 2
                                        && "PAUSED".equals(Simulated.state(paused.id()))
                                        && List.of(inPause, awaitingTraffic, paused).stream()
                                                .allMatch(s -> everyLogEntryPublished(s.id())));

        planner.kill();
        awaitingTraffic.answer(); // the gateway's answer arrives while the planner is down
        planner = startAndAwait(); // the first rollout's stored 2 s pause timer must still fire

        given().when().post("/api/rollouts/" + paused.id() + "/resume").then().statusCode(200);
        for (Simulated rollout : List.of(inPause, awaitingTraffic, paused)) {
            await().atMost(TopicProbe.WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> {
                                rollout.answer();
                                return "SUCCEEDED".equals(Simulated.state(rollout.id()));
                            });
        }

        for (Simulated rollout : List.of(inPause, awaitingTraffic, paused)) {
            List<Long> published = rollout.steps().stream().map(RolloutStep::sequence).toList();
            List<Number> loggedNumbers =
                    given().when()
                            .get("/api/rollouts/" + rollout.id() + "/history")
                            .then()
                            .extract()
                            .path("findAll { it.type == 'STEP' }.sequence");
            List<Long> logged = loggedNumbers.stream().map(Number::longValue).toList();
            assertThat(published)
                    .as("steps published for %s", rollout.id())
                    .doesNotHaveDuplicates()
                    .containsExactlyElementsOf(logged);
            assertThat(rollout.steps())
                    .extracting(s -> s.weights().canary())
                    .containsExactly(10.0, 40.0, 100.0);
            given().when()
                    .get("/api/rollouts/" + rollout.id() + "/fold")
                    .then()
                    .body("equal", Matchers.equalTo(true));
        }
    }

    @Test
    void aPlannerKilledMidTrainResumesItWithEveryMemberStartedOnceAndNoStepLostOrSentTwice()
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = List.of("backend-" + suffix, "web-" + suffix, "mobile-" + suffix);
        services.forEach(service -> Simulated.registerService(service, STRATEGY));
        Map<String, String> ids =
                given().contentType("application/json")
                        .body(
                                TrainLifecycleTest.trainBody(
                                        "restart " + suffix,
                                        services.get(0),
                                        services.get(1),
                                        services.get(2),
                                        "2s"))
                        .when()
                        .post("/api/trains")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("members");
        String trainId =
                given().when()
                        .get("/api/trains")
                        .then()
                        .extract()
                        .path("find { it.name == 'restart " + suffix + "' }.id");
        List<Simulated> members =
                services.stream().map(s -> new Simulated(probe, codec, ids.get(s), s)).toList();
        Simulated backend = members.get(0);
        Simulated web = members.get(1);
        Simulated mobile = members.get(2);
        // the backend passes its gates (10 %, a 2 s pause, 40 %, a 1 s pause); then both frontends
        // start
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            backend.answer();
                            return !web.steps().isEmpty() && !mobile.steps().isEmpty();
                        });
        await().atMost(TopicProbe.WAIT)
                .until(() -> members.stream().allMatch(m -> everyLogEntryPublished(m.id())));

        planner.kill();
        web.answer(); // a frontend's 10 % is confirmed while the planner is down
        planner = startAndAwait();

        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            members.forEach(Simulated::answer);
                            return "SUCCEEDED"
                                    .equals(
                                            given().when()
                                                    .get("/api/trains/" + trainId)
                                                    .then()
                                                    .extract()
                                                    .path("state"));
                        });

        for (Simulated member : members) {
            assertThat(Simulated.state(member.id())).isEqualTo("SUCCEEDED");
            List<Long> published = member.steps().stream().map(RolloutStep::sequence).toList();
            List<Number> loggedNumbers =
                    given().when()
                            .get("/api/rollouts/" + member.id() + "/history")
                            .then()
                            .extract()
                            .path("findAll { it.type == 'STEP' }.sequence");
            assertThat(published)
                    .as("steps published for %s", member.service())
                    .doesNotHaveDuplicates()
                    .containsExactlyElementsOf(
                            loggedNumbers.stream().map(Number::longValue).toList());
            assertThat(member.steps())
                    .extracting(s -> s.weights().canary())
                    .containsExactly(10.0, 40.0, 100.0, 100.0);
            given().when()
                    .get("/api/rollouts/" + member.id() + "/fold")
                    .then()
                    .body("equal", Matchers.equalTo(true));
        }
        List<String> actions =
                given().when()
                        .get("/api/trains/" + trainId + "/history")
                        .then()
                        .extract()
                        .path("findAll { it.type == 'ACTION' }.cause");
        assertThat(actions)
                .filteredOn(a -> a.startsWith("start "))
                .containsExactlyInAnyOrderElementsOf(
                        services.stream().map(s -> "start " + s).toList());
        given().when()
                .get("/api/trains/" + trainId + "/fold")
                .then()
                .body("equal", Matchers.equalTo(true));
    }
}
