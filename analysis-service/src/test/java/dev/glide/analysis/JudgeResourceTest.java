package dev.glide.analysis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
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

    @Test
    void kayentaScoringClassifiesEachMetricAndScoresTheSlowerCanaryAtOrBelowMarginal()
            throws IOException {
        String scenario = scenario("latency-314182.json");
        String kayenta =
                scenario.replaceFirst(
                        "\"criteria\"\\s*:\\s*\\{",
                        "\"criteria\": {\"scoring\": \"kayenta\", \"kayenta\": {\"marginal\": 60},"
                                + " \"metrics\": {\"latency\": {\"critical\": true},"
                                + " \"error-rate\": {}},");
        given().contentType(ContentType.JSON)
                .body(kayenta)
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(200)
                .body("verdict", equalTo("FAIL"))
                .body("decidedAtWindow", equalTo(1))
                .body("score", equalTo(0))
                .body("checks.test", hasItem("kayenta-mann-whitney"))
                .body("summary", containsString("latency HIGH"));
    }

    @Test
    void aBadScoringOrDirectionIsRefusedNamingTheField() {
        String body =
                """
                {"criteria": {"scoring": "netflix", "metrics": {"queue-lag": {"direction": "up"}},
                              "kayenta": {"pass": 120}},
                 "windows": [{"baseline": {"requests": 10, "errors": 0}, "canary": {"requests": 10, "errors": 0}}]}
                """;
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/analysis/judge")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        containsInAnyOrder(
                                "criteria.scoring: must be glide or kayenta (was \"netflix\")",
                                "criteria.metrics[queue-lag].direction: must be increase, decrease or either (was \"up\")",
                                "criteria.kayenta.pass: must be less than or equal to 100 (was 120.0)"));
    }

    private static String scenario(String name) throws IOException {
        try (InputStream in = JudgeResourceTest.class.getResourceAsStream("/scenarios/" + name)) {
            return new String(in.readAllBytes());
        }
    }
}
