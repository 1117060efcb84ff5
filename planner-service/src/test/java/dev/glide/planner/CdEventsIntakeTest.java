package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glide.contract.Topics;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.http.impl.HttpMessageWriter;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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

        awaitRolloutOfVersion(version);
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

    /** The CDEvent as the CloudEvents SDK builds it: the CDEvent's context as its attributes. */
    private static CloudEvent sdkEvent(ObjectNode cdEvent) {
        return CloudEventBuilder.v1()
                .withId(cdEvent.path("context").path("id").asText())
                .withSource(URI.create(cdEvent.path("context").path("source").asText()))
                .withType(cdEvent.path("context").path("type").asText())
                .withDataContentType("application/json")
                .withData(cdEvent.toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** Sends as the SDK's HTTP writer writes: its headers and its body, nothing hand-built. */
    private static io.restassured.response.ValidatableResponse sendWithSdkWriter(
            CloudEvent event, boolean binary) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[][] body = new byte[1][];
        HttpMessageWriter writer = HttpMessageFactory.createWriter(headers::put, b -> body[0] = b);
        if (binary) {
            writer.writeBinary(event);
        } else {
            writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
        }
        return given().headers(headers).body(body[0]).when().post("/api/releases").then();
    }

    @Test
    void aBinaryModeCloudEventFromTheSdksHttpWriterStartsARollout() throws IOException {
        CloudEvent event = sdkEvent(withNewId(conformance("service_deployed")));
        String id = sendWithSdkWriter(event, true).statusCode(202).extract().path("rolloutId");

        given().when()
                .get("/api/rollouts/" + id)
                .then()
                .body("service", equalTo("myapp"))
                .body("environment", equalTo("test123"));
    }

    @Test
    void aStructuredCloudEventFromTheSdksHttpWriterStartsARollout() throws IOException {
        CloudEvent event = sdkEvent(withNewId(conformance("service_upgraded")));
        String id = sendWithSdkWriter(event, false).statusCode(202).extract().path("rolloutId");

        given().when().get("/api/rollouts/" + id).then().body("service", equalTo("myapp"));
    }

    @Test
    void aBinaryModeCloudEventThatIsNotAReleaseGetsTheClearRefusal() throws IOException {
        sendWithSdkWriter(sdkEvent(conformance("service_rolledback")), true)
                .statusCode(400)
                .body(
                        "problems[0]",
                        startsWith(
                                "type: 'dev.cdevents.service.rolledback.0.3.0' is not a release"));
    }

    @Test
    void aBatchStartsItsGoodEventsAndNamesTheBadOne() throws IOException {
        EventFormat format =
                EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        List<CloudEvent> events =
                List.of(
                        sdkEvent(withNewId(conformance("service_deployed"))),
                        sdkEvent(withNewId(conformance("service_rolledback"))),
                        sdkEvent(withNewId(conformance("artifact_published"))));
        String batch =
                events.stream()
                        .map(e -> new String(format.serialize(e), StandardCharsets.UTF_8))
                        .collect(Collectors.joining(",", "[", "]"));

        var answer =
                given().contentType("application/cloudevents-batch+json")
                        .body(batch)
                        .when()
                        .post("/api/releases")
                        .then()
                        .statusCode(207)
                        .body("accepted", equalTo(2))
                        .body("events[1].index", equalTo(1))
                        .body("events[1].id", equalTo(events.get(1).getId()))
                        .body("events[1].status", equalTo(400))
                        .body(
                                "events[1].problems[0]",
                                startsWith(
                                        "type: 'dev.cdevents.service.rolledback.0.3.0' is not a release"))
                        .extract();
        for (int good : new int[] {0, 2}) {
            String id = answer.path("events[" + good + "].rolloutId");
            given().when()
                    .get("/api/rollouts/" + id)
                    .then()
                    .statusCode(200)
                    .body("service", equalTo("myapp"));
        }
    }

    @Test
    void aBatchThatIsNotAnArrayIsRefused() {
        given().contentType("application/cloudevents-batch+json")
                .body("{\"specversion\":\"1.0\"}")
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems[0]",
                        equalTo("the body must be a JSON array of structured CloudEvents"));
    }

    @Test
    void aBinaryModeCloudEventFromTheSdksKafkaSerializerStartsARollout() throws IOException {
        ObjectNode cdEvent = withNewId(conformance("service_upgraded"));
        String version = "sha256:" + UUID.randomUUID().toString().replace("-", "");
        ((ObjectNode) cdEvent.path("subject").path("content"))
                .put("artifactId", "pkg:oci/myapp@" + version.replace(":", "%3A"));
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        RealInfrastructure.bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        CloudEventSerializer.class.getName());
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(config)) {
            ProducerRecord<String, CloudEvent> record =
                    new ProducerRecord<>(Topics.RELEASE_EVENTS, "myapp", sdkEvent(cdEvent));
            producer.send(record).get(30, TimeUnit.SECONDS);
            assertThat(record.headers().lastHeader("ce_specversion"))
                    .as("the SDK's serializer writes binary mode")
                    .isNotNull();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }

        awaitRolloutOfVersion(version);
    }

    private static void awaitRolloutOfVersion(String version) {
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
}
