package dev.glide.analysis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

import dev.glide.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The offline judge over HTTP: the same engine as live analysis, no Kafka involved. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class JudgeResourceTest {

    @Test
    void aSlowerCanaryIsFailedAtTheFirstWindowWithTheRankTestAsEvidence() throws IOException {
        given().contentType(ContentType.JSON)
                .body(scenario("latency-314182.json"))
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("FAIL"))
                .body("decidedAtWindow", equalTo(1))
                .body("score", lessThan(50))
                .body("checks.test", hasItem("mann-whitney-u"));
    }

    @Test
    void anAaPairPassesAfterItsLastWindow() throws IOException {
        given().contentType(ContentType.JSON)
                .body(scenario("aa-285516.json"))
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("PASS"))
                .body("decidedAtWindow", equalTo(10));
    }

    @Test
    void aMalformedScenarioIsRefusedNamingEachBadField() {
        String body =
                """
                {"criteria": {"alpha": 2},
                 "windows": [{"baseline": {"requests": 10, "errors": 11}, "canary": {"requests": -1, "errors": 0}}]}
                """;
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid request body"))
                .body(
                        "problems",
                        contains(
                                "criteria.alpha: must be less than or equal to 0.5 (was 2.0)",
                                "windows[0].baseline: errors cannot exceed requests",
                                "windows[0].canary: errors cannot exceed requests",
                                "windows[0].canary.requests: must be greater than or equal to 0 (was -1)"));
    }

    @Test
    void aScenarioWithoutWindowsIsRefused() {
        given().contentType(ContentType.JSON)
                .body("{\"windows\": []}")
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(400)
                .body("problems", contains("windows: must not be empty"));
    }

    private static String scenario(String name) throws IOException {
        try (InputStream in = JudgeResourceTest.class.getResourceAsStream("/scenarios/" + name)) {
            return new String(in.readAllBytes());
        }
    }
}
