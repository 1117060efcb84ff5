package dev.glide.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * What every Glide service offers an operator, checked on the running service: health (with its
 * Kafka and database checks), Prometheus metrics and the OpenAPI document. A service's Quarkus test
 * implements it.
 */
public interface ServesOperationalEndpoints {

    @Test
    default void healthIsUpWithTheBrokerAndTheDatabaseReachable() {
        given().when()
                .get("/q/health")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("SmallRye Reactive Messaging"));
    }

    @Test
    default void metricsAreServedInPrometheusFormat() {
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    default void anOpenApiDocumentIsServed() {
        given().accept("application/json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("openapi", Matchers.startsWith("3."));
    }
}
