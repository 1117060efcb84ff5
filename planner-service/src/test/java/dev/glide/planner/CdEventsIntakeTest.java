package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glide.contract.Topics;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CDEvents conformance events (copied from ../shared/cdevents-conformance) accepted as
 * releases.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class CdEventsIntakeTest {

    private static final String CLOUD_EVENT = "application/cloudevents+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicProbe probe = TopicProbe.shared();

    /** The conformance events' package URLs name the service myapp. */
    @BeforeEach
    void registerMyapp() {
        given().contentType(ContentType.JSON)
                .body(
                        "{\"team\":\"apps\",\"gateway\":{\"adapter\":\"noop\",\"route\":\"myapp\"},"
                                + "\"stable\":{\"version\":\"v1\",\"endpoints\":[\"http://127.0.0.1:9001\"]},"
                                + "\"canaryEndpoints\":[\"http://127.0.0.1:9100\"],\"environment\":\"staging\","
                                + "\"strategy\":{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":{}}]}}")
                .when()
                .put("/api/services/myapp")
                .then()
                .statusCode(anyOf(is(200), is(201)));
    }

    private static ObjectNode conformance(String name) throws IOException {
        try (InputStream in =
                CdEventsIntakeTest.class.getResourceAsStream("/cdevents/" + name + ".json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** A structured-mode CloudEvent carrying the CDEvent, as a CI system would send it. */
    private static String cloudEvent(ObjectNode cdEvent) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("specversion", "1.0");
        envelope.put("id", cdEvent.path("context").path("id").asText());
        envelope.put("source", cdEvent.path("context").path("source").asText());
        envelope.put("type", cdEvent.path("context").path("type").asText());
        envelope.put("datacontenttype", "application/json");
        envelope.set("data", cdEvent);
        return envelope.toString();
    }

    private static String post(String cloudEvent) {
        return given().contentType(CLOUD_EVENT)
                .body(cloudEvent)
                .when()
                .post("/api/releases")
                .then()
                .statusCode(202)
                .extract()
                .path("rolloutId");
    }

    private static ObjectNode withNewId(ObjectNode cdEvent) {
        ((ObjectNode) cdEvent.path("context")).put("id", UUID.randomUUID().toString());
        return cdEvent;
    }

    @Test
    void serviceDeployedIsAReleaseOfThePackageUrlsNameAndVersionIntoItsEnvironment()
            throws IOException {
        String id = post(cloudEvent(withNewId(conformance("service_deployed"))));

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .statusCode(200)
                .body("service", equalTo("myapp"))
                .body(
                        "canaryVersion",
                        equalTo(
                                "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427"))
                .body("environment", equalTo("test123"));
    }

    @Test
    void serviceUpgradedIsAReleaseToo() throws IOException {
        String id = post(cloudEvent(withNewId(conformance("service_upgraded"))));

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("service", equalTo("myapp"))
                .body("environment", equalTo("test123"));
    }

    @Test
    void artifactPublishedIsAReleaseIntoTheServicesDefaultEnvironment() throws IOException {
        String id = post(cloudEvent(withNewId(conformance("artifact_published"))));

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("service", equalTo("myapp"))
                .body("canaryVersion", equalTo("234fd47e07d1004f0aed9c"))
                .body("environment", equalTo("staging"));
    }

    @Test
    void theSameCdEventTwiceIsOneRollout() throws IOException {
        String event = cloudEvent(withNewId(conformance("service_deployed")));

        assertThat(post(event)).isEqualTo(post(event));
    }

    @Test
    void aBareCdEventOnTheReleaseTopicIsAReleaseToo() throws IOException {
        ObjectNode cdEvent = withNewId(conformance("service_upgraded"));
        String version = "sha256:" + UUID.randomUUID().toString().replace("-", "");
        ((ObjectNode) cdEvent.path("subject").path("content"))
                .put("artifactId", "pkg:oci/myapp@" + version.replace(":", "%3A"));

        probe.send(Topics.RELEASE_EVENTS, "myapp", cdEvent.toString());

        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                given().queryParam("service", "myapp")
                                        .when()
                                        .get("/api/rollouts")
                                        .then()
                                        .extract()
                                        .<List<String>>path("canaryVersion")
                                        .contains(version));
    }

    @Test
    void serviceRolledBackIsNotARelease() throws IOException {
        given().contentType(CLOUD_EVENT)
                .body(cloudEvent(conformance("service_rolledback")))
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems[0]",
                        equalTo(
                                "type: 'dev.cdevents.service.rolledback.0.3.0' is not a release; accepted:"
                                        + " dev.cdevents.service.deployed, dev.cdevents.service.upgraded, dev.cdevents.artifact.published"
                                        + " (any version)"));
    }

    @Test
    void aCdEventWithoutItsArtifactOrEnvironmentIsRefusedNamingTheFields() throws IOException {
        ObjectNode cdEvent = conformance("service_deployed");
        ObjectNode content = (ObjectNode) cdEvent.path("subject").path("content");
        content.remove("artifactId");
        content.remove("environment");

        given().contentType(CLOUD_EVENT)
                .body(cloudEvent(cdEvent))
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        equalTo(
                                List.of(
                                        "subject.content.artifactId: must be a package URL such as pkg:oci/myapp@sha256:...",
                                        "subject.content.environment.id: must name the environment")));
    }

    @Test
    void aBodyThatIsNotACloudEventSaysSo() {
        given().contentType(CLOUD_EVENT)
                .body("{\"specversion\":\"1.0\",\"type\":\"x\"}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid request body"));
    }
}
