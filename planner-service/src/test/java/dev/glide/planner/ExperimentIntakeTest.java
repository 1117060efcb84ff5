package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import dev.glide.contract.Arm;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Experiments at the door: what cannot run is refused naming the field, and a good one starts with
 * its arms on rollout-steps (control first, each variant at its share, users kept by the sticky
 * key).
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ExperimentIntakeTest {

    private static final String DESIGN =
            "{\"goal\":\"checkout\",\"stickyKey\":\"X-User\",\"shares\":[30,20],\"interval\":\"10s\"}";

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void anExperimentStartsWithItsArmsControlFirstAndEachVariantAtItsShare() {
        String service = register("embedded", experiment(DESIGN), 201);

        given().contentType(ContentType.JSON)
                .body(
                        release(
                                service,
                                "v2a",
                                "{\"version\":\"v2b\",\"endpoints\":[\"127.0.0.1:9003\"]}"))
                .when()
                .post("/api/releases")
                .then()
                .statusCode(202);

        RolloutStep step =
                codec.decode(
                        probe.awaitRecord(
                                        Topics.ROLLOUT_STEPS,
                                        TopicProbe.WAIT,
                                        r ->
                                                service.equals(
                                                        codec.decode(r.value(), RolloutStep.class)
                                                                .service()))
                                .value(),
                        RolloutStep.class);
        assertThat(step.arms()).extracting(Arm::version).containsExactly("v1", "v2a", "v2b");
        assertThat(step.arms()).extracting(Arm::percent).containsExactly(50.0, 30.0, 20.0);
        assertThat(step.arms()).noneMatch(Arm::stopped);
        assertThat(step.stickyKey()).isEqualTo("X-User");
        assertThat(step.weights().canary()).isEqualTo(50.0);
    }

    @Test
    void whatCannotRunAsAnExperimentIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON)
                .body(registration("haproxy", experiment(DESIGN)))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItem(
                                "strategy: the haproxy adapter cannot run experiments (more than two versions on one route, each user kept on one); use the embedded adapter"));
        given().contentType(ContentType.JSON)
                .body(registration("embedded", "{\"type\":\"experiment\"}"))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItem(
                                org.hamcrest.Matchers.startsWith(
                                        "experiment: an experiment strategy needs its design")));
        given().contentType(ContentType.JSON)
                .body(
                        registration(
                                "embedded",
                                experiment(
                                        "{\"goal\":\"checkout\",\"stickyKey\":\"X-User\",\"per\":\"visit\","
                                                + "\"winner\":\"maybe\",\"alpha\":0.9}")))
                .when()
                .put("/api/services/" + newService())
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "strategy.experiment.per: must be user or request (was \"visit\")",
                                "strategy.experiment.winner: must be none, blueGreen or canary (was \"maybe\")",
                                "strategy.experiment.alpha: must be less than or equal to 0.5 (was 0.9)"));
    }

    @Test
    void releasesWhoseVariantsDoNotFitAreRefusedNamingEachField() {
        String canary = register("embedded", "{\"type\":\"canary\"}", 201);
        given().contentType(ContentType.JSON)
                .body(
                        release(
                                canary,
                                "v2",
                                "{\"version\":\"v3\",\"endpoints\":[\"127.0.0.1:9003\"]}"))
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItem(
                                "variants: only an experiment takes variants (the strategy is canary)"));

        String experiment = register("embedded", experiment(DESIGN), 201);
        given().contentType(ContentType.JSON)
                .body(
                        release(
                                experiment,
                                "v2a",
                                "{\"version\":\"v1\",\"endpoints\":[\"not a url\"]},"
                                        + "{\"version\":\"v2a\",\"endpoints\":[\"127.0.0.1:9004\"]}"))
                .when()
                .post("/api/releases")
                .then()
                .statusCode(400)
                .body(
                        "problems",
                        hasItems(
                                "variants[0].version: 'v1' is the stable version, the experiment's control; a variant must be another",
                                "variants[1].version: 'v2a' is named twice",
                                "experiment.shares: 2 shares for 3 variants (the release's version and its variants, in order)"))
                .body(
                        "problems",
                        hasItem(
                                org.hamcrest.Matchers.startsWith(
                                        "variants[0].endpoints[0]: 'not a url'")));
    }

    private String register(String adapter, String strategy, int status) {
        String service = newService();
        given().contentType(ContentType.JSON)
                .body(registration(adapter, strategy))
                .when()
                .put("/api/services/" + service)
                .then()
                .statusCode(status);
        return service;
    }

    private static String registration(String adapter, String strategy) {
        String gateway =
                adapter.equals("haproxy")
                        ? "{\"adapter\":\"haproxy\",\"route\":\"shop\",\"stableTarget\":\"blue\",\"canaryTarget\":\"green\"}"
                        : "{\"adapter\":\"" + adapter + "\",\"route\":\"/shop\"}";
        return "{\"team\":\"web\",\"gateway\":"
                + gateway
                + ",\"stable\":{\"version\":\"v1\",\"endpoints\":[\"127.0.0.1:9001\"]},\"strategy\":"
                + strategy
                + "}";
    }

    private static String experiment(String design) {
        return "{\"type\":\"experiment\",\"experiment\":" + design + "}";
    }

    private static String release(String service, String version, String variants) {
        return "{\"service\":\""
                + service
                + "\",\"version\":\""
                + version
                + "\",\"environment\":\"prod\",\"endpoints\":[\"127.0.0.1:9002\"],\"variants\":["
                + variants
                + "]}";
    }

    private static String newService() {
        return "exp-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
