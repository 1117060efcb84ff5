package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other planner test class of this JVM (they share one database): folding each
 * rollout's log from the start gives exactly its stored state, for every rollout and train the
 * tests created, whatever happened to it.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@Order(Integer.MAX_VALUE)
class EveryRolloutFoldsTest {

    @Test
    void foldingEveryRolloutsLogReproducesItsStoredState() {
        List<String> ids =
                given().when().get("/api/rollouts").then().statusCode(200).extract().path("id");
        assertThat(ids).as("rollouts created by the planner tests").hasSizeGreaterThanOrEqualTo(10);

        List<String> diverging =
                ids.stream()
                        .filter(
                                id ->
                                        !given().when()
                                                .get("/api/rollouts/" + id + "/fold")
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .<Boolean>path("equal"))
                        .toList();

        assertThat(diverging).as("rollouts whose log does not fold to their state").isEmpty();
    }

    @Test
    void foldingEveryTrainsLogReproducesItsStoredState() {
        List<String> ids =
                given().when()
                        .get("/api/trains?limit=1000")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("id");
        assertThat(ids).as("trains created by the planner tests").hasSizeGreaterThanOrEqualTo(3);

        List<String> diverging =
                ids.stream()
                        .filter(
                                id ->
                                        !given().when()
                                                .get("/api/trains/" + id + "/fold")
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .<Boolean>path("equal"))
                        .toList();

        assertThat(diverging).as("trains whose log does not fold to their state").isEmpty();
    }
}
