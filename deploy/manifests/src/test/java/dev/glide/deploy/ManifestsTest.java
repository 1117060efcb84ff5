package dev.glide.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.glide.contract.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the deployment files without a cluster or a container engine: every
 * Kubernetes manifest reads as the typed model with no field the model does not know (a misspelt
 * field is caught), each service's Deployment matches the service (its port, its health endpoints),
 * every topic has its KafkaTopic, and the compose file and the Grafana dashboard are well formed
 * and name what exists.
 */
class ManifestsTest {

    private static final Path DEPLOY = Path.of("..");
    private static final Path ROOT = Path.of("../..");
    private static final List<String> SERVICES =
            List.of("planner-service", "traffic-service", "analysis-service", "notifier-service");
    private static final List<String> INPUT_TOPICS =
            List.of(
                    Topics.RELEASE_EVENTS,
                    Topics.ROLLOUT_STEPS,
                    Topics.TRAFFIC_APPLIED,
                    Topics.TRAFFIC_METRICS,
                    Topics.ANALYSIS_VERDICTS,
                    Topics.ROLLOUT_COMMANDS,
                    Topics.ROLLOUT_EVENTS);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static List<HasMetadata> resources;

    @BeforeAll
    static void readManifests() throws IOException {
        resources = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (document.lines()
                            .anyMatch(line -> !line.isBlank() && !line.startsWith("#"))) {
                        resources.add(Serialization.unmarshal(document, HasMetadata.class));
                    }
                }
            }
        }
    }

    @Test
    void everyManifestIsAKnownKindWithNoFieldTheModelDoesNotKnow() {
        assertThat(resources)
                .extracting(HasMetadata::getKind)
                .contains(
                        "Namespace",
                        "ConfigMap",
                        "Secret",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "KafkaTopic");
        for (HasMetadata resource : resources) {
            if (!(resource instanceof GenericKubernetesResource)) {
                assertThat(
                                unknownFields(
                                        resource,
                                        resource.getKind() + " " + resource.getMetadata().getName(),
                                        new IdentityHashMap<>()))
                        .as("fields the Kubernetes model does not know")
                        .isEmpty();
            }
            assertThat(resource.getMetadata().getLabels())
                    .as(resource.getKind() + " " + resource.getMetadata().getName())
                    .isNotNull();
        }
    }

    @Test
    void eachServiceRunsReplicasOnItsOwnPortWithQuarkusHealthChecksAndBoundedMemory()
            throws IOException {
        for (String service : SERVICES) {
            Deployment deployment =
                    resources.stream()
                            .filter(Deployment.class::isInstance)
                            .map(Deployment.class::cast)
                            .filter(d -> d.getMetadata().getName().equals(service))
                            .findFirst()
                            .orElseThrow();
            Container container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            int port = Integer.parseInt(properties(service).getProperty("quarkus.http.port"));

            assertThat(deployment.getSpec().getReplicas()).as(service).isGreaterThanOrEqualTo(2);
            assertThat(deployment.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(Map.of("app.kubernetes.io/name", service));
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", service);
            assertThat(container.getImage()).isEqualTo("glide/" + service + ":0.1.0");
            assertThat(container.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
            assertThat(container.getEnv())
                    .anySatisfy(
                            env -> {
                                assertThat(env.getName()).isEqualTo("QUARKUS_HTTP_PORT");
                                assertThat(env.getValue()).isEqualTo(String.valueOf(port));
                            });
            assertThat(path(container.getStartupProbe())).isEqualTo("/q/health/started");
            assertThat(path(container.getReadinessProbe())).isEqualTo("/q/health/ready");
            assertThat(path(container.getLivenessProbe())).isEqualTo("/q/health/live");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");
            assertThat(resources)
                    .anySatisfy(
                            r -> {
                                assertThat(r.getKind()).isEqualTo("Service");
                                assertThat(r.getMetadata().getName()).isEqualTo(service);
                            });
        }
    }

    @Test
    void everyTopicAndEachInputsDeadLetterTopicHasAKafkaTopicWithSixPartitions()
            throws IllegalAccessException {
        Map<String, GenericKubernetesResource> topics =
                resources.stream()
                        .filter(r -> r.getKind().equals("KafkaTopic"))
                        .map(GenericKubernetesResource.class::cast)
                        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
        List<String> expected = new ArrayList<>();
        for (var field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && field.getType() == String.class
                    && !field.getName().startsWith("DLQ")
                    && !field.getName().equals("DEAD_LETTER_PREFIX")) {
                expected.add((String) field.get(null));
            }
        }
        INPUT_TOPICS.forEach(input -> expected.add(Topics.DEAD_LETTER_PREFIX + input));

        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        topics.values()
                .forEach(
                        topic -> {
                            assertThat(topic.getMetadata().getLabels())
                                    .containsEntry("strimzi.io/cluster", "glide");
                            assertThat(topic.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
                            Map<String, Object> spec = topic.get("spec");
                            assertThat(spec)
                                    .containsEntry("partitions", 6)
                                    .containsEntry("replicas", 3);
                        });
    }

    @Test
    void theComposeFileBuildsEachServiceFromItsModuleBesideKafkaAndPostgres() throws IOException {
        JsonNode compose = YAML.readTree(DEPLOY.resolve("compose/compose.yaml").toFile());
        JsonNode services = compose.path("services");
        assertThat(services.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "kafka", "postgres", "planner", "traffic", "analysis", "notifier");
        for (String service : SERVICES) {
            JsonNode entry = services.path(service.substring(0, service.indexOf('-')));
            String module = entry.path("build").path("args").path("SERVICE").asText();
            assertThat(module).isEqualTo(service);
            assertThat(ROOT.resolve(module).resolve("pom.xml")).exists();
            assertThat(
                            DEPLOY.resolve("compose")
                                    .resolve(entry.path("build").path("context").asText())
                                    .resolve(entry.path("build").path("dockerfile").asText())
                                    .normalize())
                    .exists();
            assertThat(entry.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText())
                    .isEqualTo("kafka:9092");
            assertThat(entry.path("environment").path("QUARKUS_DATASOURCE_JDBC_URL").asText())
                    .isEqualTo("jdbc:postgresql://postgres:5432/glide");
            assertThat(entry.path("environment").path("QUARKUS_HTTP_PORT").asText())
                    .isEqualTo(properties(service).getProperty("quarkus.http.port"));
        }
    }

    @Test
    void theGrafanaDashboardQueriesEachServiceByItsJob() throws IOException {
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(DEPLOY.resolve("grafana/glide-dashboard.json").toFile());
        JsonNode panels = dashboard.path("panels");
        assertThat(panels.size()).isGreaterThanOrEqualTo(6);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
            if (panel.path("type").asText().equals("row")) {
                continue; // a heading over the panels below it, with no query of its own
            }
            assertThat(panel.path("targets"))
                    .isNotEmpty()
                    .allSatisfy(
                            target ->
                                    assertThat(target.path("expr").asText())
                                            .contains("job=~\"$service\""));
        }
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name"))
                .contains("datasource", "service");
    }

    private static String path(Probe probe) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        return probe.getHttpGet().getPath();
    }

    private static Properties properties(String service) throws IOException {
        Properties properties = new Properties();
        try (InputStream in =
                Files.newInputStream(
                        ROOT.resolve(service)
                                .resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /**
     * Paths of fields the typed model kept aside as "additional properties": names it does not
     * have, i.e. typos.
     */
    private static List<String> unknownFields(Object node, String path, Map<Object, Boolean> seen) {
        List<String> unknown = new ArrayList<>();
        if (node == null || seen.put(node, true) != null) {
            return unknown;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
            }
            return unknown;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach(
                    (key, value) -> unknown.addAll(unknownFields(value, path + "." + key, seen)));
            return unknown;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return unknown;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
                } else {
                    unknown.addAll(
                            unknownFields(value, path + "." + getter.getName().substring(3), seen));
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a getter that computes something rather than reading a field
            }
        }
        return unknown;
    }
}
