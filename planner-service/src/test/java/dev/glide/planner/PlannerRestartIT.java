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
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged planner, killed with -9 in the middle of three rollouts and started again: every rollout resumes
 * from its log and stored timers and finishes; no step is lost and none is sent twice.
 */
class PlannerRestartIT {

    private static final String STRATEGY = "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{\"duration\":\"2s\"}},"
            + "{\"setWeight\":40},{\"pause\":{\"duration\":\"1s\"}}]}";

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final int PORT = FreePorts.pick();
    private static Map<String, String> environment;
    private static Path logs;
    private static ServiceProcess planner;

    private final TopicProbe probe = TopicProbe.shared();
    private final EventCodec codec = new EventCodec(Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());

    @BeforeAll
    static void startPlanner() throws IOException, InterruptedException {
        environment = Map.of(
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
        ServiceProcess started = ServiceProcess.start(ROOT, "planner-service", PORT, environment, logs);
        started.awaitHealthy(Duration.ofSeconds(120));
        return started;
    }

    private Simulated rollout() {
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Simulated.registerService(service, STRATEGY);
        return new Simulated(probe, codec, Simulated.release(service, "v2"), service);
    }

    private static boolean everyLogEntryPublished(String rolloutId) {
        List<Object> unpublished = given().when().get("/api/rollouts/" + rolloutId + "/history").then()
                .extract().path("findAll { it.publishedAt == null && it.type != 'INPUT' }");
        return unpublished.isEmpty();
    }

    @Test
    void aPlannerKilledMidRolloutResumesEveryRolloutWithNoStepLostOrSentTwice() throws Exception {
        Simulated inPause = rollout();
        Simulated awaitingTraffic = rollout();
        Simulated paused = rollout();
        await().atMost(TopicProbe.WAIT).until(() -> !inPause.steps().isEmpty() && !awaitingTraffic.steps().isEmpty()
                && !paused.steps().isEmpty());
        inPause.answer();
        given().when().post("/api/rollouts/" + paused.id() + "/pause").then().statusCode(200);
        paused.answer();
        await().atMost(TopicProbe.WAIT).until(() -> Simulated.step(inPause.id()) == 2 && "PAUSED".equals(Simulated.state(paused.id()))
                && List.of(inPause, awaitingTraffic, paused).stream().allMatch(s -> everyLogEntryPublished(s.id())));

        planner.kill();
        awaitingTraffic.answer(); // the gateway's answer arrives while the planner is down
        planner = startAndAwait(); // the first rollout's stored 2 s pause timer must still fire

        given().when().post("/api/rollouts/" + paused.id() + "/resume").then().statusCode(200);
        for (Simulated rollout : List.of(inPause, awaitingTraffic, paused)) {
            await().atMost(TopicProbe.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                rollout.answer();
                return "SUCCEEDED".equals(Simulated.state(rollout.id()));
            });
        }

        for (Simulated rollout : List.of(inPause, awaitingTraffic, paused)) {
            List<Long> published = rollout.steps().stream().map(RolloutStep::sequence).toList();
            List<Number> loggedNumbers = given().when().get("/api/rollouts/" + rollout.id() + "/history").then()
                    .extract().path("findAll { it.type == 'STEP' }.sequence");
            List<Long> logged = loggedNumbers.stream().map(Number::longValue).toList();
            assertThat(published).as("steps published for %s", rollout.id()).doesNotHaveDuplicates()
                    .containsExactlyElementsOf(logged);
            assertThat(rollout.steps()).extracting(s -> s.weights().canary()).containsExactly(10.0, 40.0, 100.0);
            given().when().get("/api/rollouts/" + rollout.id() + "/fold").then().body("equal", org.hamcrest.Matchers.equalTo(true));
        }
    }
}
