package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.glide.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(TeamTokens.class)
@WithTestResource(RealInfrastructure.class)
class TeamAuthTest {

    private static String service(String team) {
        return "{\"team\":\""
                + team
                + "\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"r\"},"
                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},"
                + "\"strategy\":{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{}}]}}";
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static String newService() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String paymentsService() {
        String name = newService();
        as(TeamTokens.PAYMENTS)
                .body(service("payments"))
                .when()
                .put("/api/services/" + name)
                .then()
                .statusCode(201);
        return name;
    }

    private static String release(String token, String service) {
        return as(token)
                .body(
                        "{\"service\":\""
                                + service
                                + "\",\"version\":\"v2\",\"environment\":\"prod\","
                                + "\"endpoints\":[\"http://127.0.0.1:9002\"]}")
                .when()
                .post("/api/releases")
                .then()
                .extract()
                .path("rolloutId");
    }

    @Test
    void changesWithoutATokenAreRefusedWith401SayingWhatToSend() {
        given().contentType(ContentType.JSON)
                .body(service("payments"))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"glide\"")
                .body(
                        "error",
                        equalTo(
                                "missing credentials: send 'Authorization: Bearer <your team's API token or SSO token>'"));
        as("guess")
                .body(service("payments"))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(401)
                .body("error", equalTo("unknown API token"));
    }

    @Test
    void aTeamRegistersItsOwnServicesOnlyAndOnlyThePlatformTeamMovesThem() {
        String name = paymentsService();

        as(TeamTokens.SEARCH)
                .body(service("payments"))
                .when()
                .put("/api/services/" + name)
                .then()
                .statusCode(403)
                .body(
                        "error",
                        equalTo(
                                "team 'search' may not register or change service '"
                                        + name
                                        + "': it belongs to team 'payments'"));
        as(TeamTokens.SEARCH)
                .body(service("payments"))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(403);
        as(TeamTokens.PAYMENTS_SECOND)
                .body(service("search"))
                .when()
                .put("/api/services/" + name)
                .then()
                .statusCode(403)
                .body(
                        "error",
                        equalTo(
                                "only the platform team may move service '"
                                        + name
                                        + "' to team 'search'"));
        as(TeamTokens.ADMIN)
                .body(service("search"))
                .when()
                .put("/api/services/" + name)
                .then()
                .statusCode(200);
    }

    @Test
    void onlyTheOwningTeamReleasesAndItsActorsAreLogged() {
        String name = paymentsService();

        as(TeamTokens.SEARCH)
                .body(
                        "{\"service\":\""
                                + name
                                + "\",\"version\":\"v2\",\"environment\":\"prod\","
                                + "\"endpoints\":[\"http://h:1\"]}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(403)
                .body(
                        "error",
                        equalTo(
                                "team 'search' may not release service '"
                                        + name
                                        + "': it belongs to team 'payments'"));
        String id = release(TeamTokens.PAYMENTS, name);

        given().when()
                .get("/api/rollouts/" + id + "/history")
                .then()
                .body("actor", hasItem("payments"));
    }

    @Test
    void onlyTheOwningTeamPromotesOrAbortsAndThePersonIsRecorded() {
        String id = release(TeamTokens.PAYMENTS, paymentsService());

        as(TeamTokens.SEARCH).when().post("/api/rollouts/" + id + "/abort").then().statusCode(403);
        given().when().post("/api/rollouts/" + id + "/abort").then().statusCode(401);
        as(TeamTokens.PAYMENTS)
                .queryParam("actor", "alice")
                .when()
                .post("/api/rollouts/" + id + "/abort")
                .then()
                .statusCode(200);

        given().when()
                .get("/api/rollouts/" + id + "/history")
                .then()
                .body("actor", hasItem("alice (payments)"));
        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("ABORTING"));
        given().when().get("/api/rollouts/" + id + "/fold").then().body("equal", equalTo(true));
    }

    @Test
    void aTrainNeedsTheRightToReleaseAndActOnEveryMembersService() {
        String payments = paymentsService();
        String search = newService();
        as(TeamTokens.SEARCH)
                .body(service("search"))
                .when()
                .put("/api/services/" + search)
                .then()
                .statusCode(201);
        String train =
                "{\"name\":\"mixed\",\"environment\":\"prod\",\"members\":["
                        + "{\"service\":\""
                        + payments
                        + "\",\"version\":\"v2\",\"endpoints\":[\"http://h:1\"]},"
                        + "{\"service\":\""
                        + search
                        + "\",\"version\":\"v2\",\"endpoints\":[\"http://h:2\"],\"dependsOn\":[\""
                        + payments
                        + "\"]}]}";

        as(TeamTokens.PAYMENTS)
                .body(train)
                .when()
                .post("/api/trains")
                .then()
                .statusCode(403)
                .body(
                        "error",
                        equalTo(
                                "team 'payments' may not release service '"
                                        + search
                                        + "': it belongs to team 'search'"));
        given().contentType(ContentType.JSON)
                .body(train)
                .when()
                .post("/api/trains")
                .then()
                .statusCode(401);
        String id =
                as(TeamTokens.ADMIN)
                        .body(train)
                        .when()
                        .post("/api/trains")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("trainId");

        as(TeamTokens.SEARCH).when().post("/api/trains/" + id + "/abort").then().statusCode(403);
        as(TeamTokens.ADMIN)
                .queryParam("actor", "carol")
                .when()
                .post("/api/trains/" + id + "/abort")
                .then()
                .statusCode(200);
        given().when()
                .get("/api/trains/" + id + "/history")
                .then()
                .body("actor", hasItem("carol (admin)"));
    }
}
