package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.glide.testsupport.JwtIssuer;
import dev.glide.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SSO bearer tokens (JWTs signed with a key pair the test generates, its JWKS served over HTTP)
 * beside a static team token, with reads closed to anyone without credentials.
 */
@QuarkusTest
@TestProfile(SsoTokens.class)
@WithTestResource(RealInfrastructure.class)
class SsoTokenTest {

    private static final JwtIssuer IDP = SsoTokens.ISSUER;
    private static final String ALICE = IDP.token("alice", "payments-devs", "everyone");

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

    private static String register(String token, String team, int status) {
        String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        as(token).body(service(team)).when().put("/api/services/" + name).then().statusCode(status);
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
                .statusCode(202)
                .extract()
                .path("rolloutId");
    }

    @Test
    void aTokenOfTheTeamsGroupRegistersReleasesAndAbortsItsServiceAndTheUserIsLogged() {
        String name = register(ALICE, "payments", 201);
        String id = release(ALICE, name);

        as(ALICE).when().post("/api/rollouts/" + id + "/abort").then().statusCode(200);

        as(ALICE)
                .when()
                .get("/api/rollouts/" + id + "/history")
                .then()
                .statusCode(200)
                .body("actor", hasItem("alice"));
    }

    @Test
    void expiredWronglySignedWrongIssuerAndWrongAudienceTokensGet401() {
        String name = register(ALICE, "payments", 201);
        String[] refused = {
            IDP.token(
                    JwtIssuer.ISSUER,
                    JwtIssuer.AUDIENCE,
                    Duration.ofMinutes(-5),
                    "alice",
                    "payments-devs"),
            IDP.foreignToken("alice", "payments-devs"),
            IDP.token(
                    "https://other-idp.example/realms/x",
                    JwtIssuer.AUDIENCE,
                    Duration.ofMinutes(5),
                    "alice",
                    "payments-devs"),
            IDP.token(
                    JwtIssuer.ISSUER,
                    "some-other-app",
                    Duration.ofMinutes(5),
                    "alice",
                    "payments-devs")
        };
        for (String token : refused) {
            as(token)
                    .body(service("payments"))
                    .when()
                    .put("/api/services/" + name)
                    .then()
                    .statusCode(401)
                    .header("WWW-Authenticate", "Bearer realm=\"glide\"")
                    .body("error", startsWith("invalid SSO token: "));
        }
    }

    @Test
    void aTokenOfAnotherTeamsGroupOrOfNoTeamGets403AndAnAdminGroupActsOnAnything() {
        String search = register(SsoTokens.SEARCH, "search", 201);

        as(ALICE)
                .body(
                        "{\"service\":\""
                                + search
                                + "\",\"version\":\"v2\",\"environment\":\"prod\","
                                + "\"endpoints\":[\"http://h:1\"]}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(403)
                .body(
                        "error",
                        equalTo(
                                "'alice' (team payments) may not release service '"
                                        + search
                                        + "': it belongs to team 'search'"));
        as(IDP.token("dave", "everyone"))
                .body(service("payments"))
                .when()
                .put("/api/services/svc-" + UUID.randomUUID().toString().substring(0, 8))
                .then()
                .statusCode(403)
                .body("error", startsWith("'dave', whose groups map to no team, may not register"));

        String carol = IDP.token("carol", "platform-admins");
        String id = release(carol, search);
        as(carol).when().post("/api/rollouts/" + id + "/abort").then().statusCode(200);
    }

    @Test
    void readsNeedCredentialsAndAnEventStreamMayCarryItsTokenAsAQueryParameter() {
        String name = register(ALICE, "payments", 201);
        String id = release(ALICE, name);

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .statusCode(401)
                .body("error", startsWith("missing credentials"));
        given().queryParam("access_token", "guess")
                .when()
                .get("/api/rollouts")
                .then()
                .statusCode(401);
        as(ALICE).when().get("/api/rollouts/" + id).then().statusCode(200);
        as(SsoTokens.SEARCH).when().get("/api/services/" + name).then().statusCode(200);
        given().queryParam("access_token", ALICE)
                .when()
                .get("/api/rollouts/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id));
        // The dashboard itself (static files) stays reachable: it asks for the token.
        given().when().get("/").then().statusCode(200);
    }
}
