package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.EventCodec;
import dev.glide.contract.retention.RetentionJob;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Retention (here {@code glide.retention.ended-after=1d}, archived to {@code
 * target/retention-archive}): an ended rollout older than that goes, archived first; a running one
 * of the same age stays.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@TestProfile(RetentionTest.Profile.class)
class RetentionTest {

    /** Retention on for this test alone: no other test's rollouts are ever removed. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "glide.retention.ended-after", "1d",
                    "glide.retention.archive-dir", "target/retention-archive");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;
    @Inject RetentionJob retention;
    @Inject EntityManager entityManager;

    @Test
    void anEndedRolloutOlderThanTheAgeIsArchivedAndRemovedARunningOneIsKept() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String done = "done-" + suffix;
        String running = "running-" + suffix;
        Simulated.registerService(done, "{\"type\":\"canary\",\"steps\":[{\"setWeight\":100}]}");
        Simulated.registerService(
                running, "{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{}}]}");
        Simulated ended = new Simulated(probe, codec, Simulated.release(done, "v2"), done);
        Simulated paused = new Simulated(probe, codec, Simulated.release(running, "v2"), running);
        await().atMost(TopicProbe.WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            ended.answer();
                            paused.answer();
                            return "SUCCEEDED".equals(Simulated.state(ended.id()))
                                    && Simulated.step(paused.id()) >= 2;
                        });
        int entries =
                JSON.readTree(
                                given().when()
                                        .get("/api/rollouts/" + ended.id() + "/history")
                                        .asString())
                        .size();
        assertThat(Simulated.state(paused.id())).isEqualTo("PROGRESSING"); // waiting for promotion
        // both as if they had last moved two days ago
        QuarkusTransaction.requiringNew()
                .run(
                        () ->
                                entityManager
                                        .createNativeQuery(
                                                "update rollout set updated_at = now() - interval '2 days' where id in (?1)")
                                        .setParameter(1, List.of(ended.id(), paused.id()))
                                        .executeUpdate());

        retention.runNow();

        given().when().get("/api/rollouts/" + ended.id()).then().statusCode(404);
        given().when().get("/api/rollouts/" + ended.id() + "/history").then().statusCode(404);
        given().when().get("/api/rollouts/" + paused.id()).then().statusCode(200);
        assertThat(
                        JSON.readTree(
                                        given().when()
                                                .get("/api/rollouts/" + paused.id() + "/history")
                                                .asString())
                                .size())
                .isGreaterThan(0);
        JsonNode archived = null;
        try (var files = Files.list(Path.of("target/retention-archive"))) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode node = JSON.readTree(line);
                    if (ended.id().equals(node.path("row").path("id").asText())) {
                        archived = node;
                    }
                }
            }
        }
        assertThat(archived).as("the archive holds the removed rollout").isNotNull();
        assertThat(archived.path("kind").asText()).isEqualTo("rollout");
        assertThat(archived.path("row").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(archived.path("log").size()).isEqualTo(entries);
    }
}
