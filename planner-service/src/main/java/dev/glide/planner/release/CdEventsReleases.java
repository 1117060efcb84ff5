package dev.glide.planner.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.glide.contract.EventCodec;
import dev.glide.contract.MalformedEventException;
import dev.glide.contract.ReleaseEvent;
import dev.glide.planner.service.ServiceRegistry;
import dev.glide.planner.service.ServiceSpec;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * Reads a release from a CDEvents {@code service.deployed}, {@code service.upgraded} or {@code
 * artifact.published} event, carried as a CloudEvent in any content mode the HTTP and Kafka
 * bindings define (binary: attributes in {@code ce-*} HTTP or {@code ce_*} Kafka headers and the
 * CDEvent as the body; structured: {@code application/cloudevents+json}; batched: {@code
 * application/cloudevents-batch+json}, each event on its own), or bare. The service is the package
 * URL's name ({@code pkg:oci/myapp@sha256:...} is {@code myapp}) and the version its version; the
 * environment is {@code subject.content.environment.id} (the service's default for
 * artifact.published); the endpoints are the service's {@code canaryEndpoints}, since a CDEvent
 * names none.
 */
@ApplicationScoped
public class CdEventsReleases {

    private static final List<String> RELEASE_TYPES =
            List.of(
                    "dev.cdevents.service.deployed.",
                    "dev.cdevents.service.upgraded.",
                    "dev.cdevents.artifact.published.");
    private static final String NAME = "CDEvent";

    private final ServiceRegistry services;
    private final ObjectMapper mapper;

    CdEventsReleases(ServiceRegistry services, EventCodec codec) {
        this.services = services;
        this.mapper = codec.mapper();
    }

    /** True when the JSON is a CloudEvent or a bare CDEvent rather than a plain release. */
    public boolean isCdEvent(String json) {
        JsonNode node = tree(json);
        return node.has("specversion") || (node.has("context") && node.has("subject"));
    }

    public ReleaseEvent toRelease(String json) {
        JsonNode node = tree(json);
        if (!node.has("specversion")) {
            return fromCdEvent(node, node.path("context").path("type").asText(null), null);
        }
        CloudEvent cloudEvent;
        try {
            cloudEvent =
                    EventFormatProvider.getInstance()
                            .resolveFormat(JsonFormat.CONTENT_TYPE)
                            .deserialize(json.getBytes(StandardCharsets.UTF_8));
        } catch (EventDeserializationException | IllegalStateException e) {
            throw new MalformedEventException(
                    "CloudEvent", List.of("not a valid CloudEvent: " + rootMessage(e)));
        }
        return fromCloudEvent(cloudEvent);
    }

    /** Whether HTTP headers carry a binary-mode CloudEvent ({@code ce-specversion}). */
    public static boolean isBinary(Map<String, List<String>> headers) {
        return headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("ce-specversion"));
    }

    /** Whether Kafka record headers carry a binary-mode CloudEvent ({@code ce_specversion}). */
    public static boolean isBinary(Headers headers) {
        return headers != null && headers.lastHeader("ce_specversion") != null;
    }

    /**
     * A release from a binary-mode CloudEvent over HTTP: its attributes in {@code ce-*} headers,
     * the CDEvent as the body.
     */
    public ReleaseEvent fromHttp(Map<String, List<String>> headers, byte[] body) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = HttpMessageFactory.createReaderFromMultimap(headers, body).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new MalformedEventException(
                    "CloudEvent",
                    List.of(
                            "not a valid binary-mode CloudEvent (ce-* headers): "
                                    + rootMessage(e)));
        }
        return fromCloudEvent(cloudEvent);
    }

    /** A release from a CloudEvent on Kafka: binary ({@code ce_*} headers) or structured. */
    public ReleaseEvent fromKafka(Headers headers, byte[] value) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = KafkaMessageFactory.createReader(headers, value).toEvent();
        } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
            throw new MalformedEventException(
                    "CloudEvent",
                    List.of(
                            "not a valid binary-mode CloudEvent (ce_* headers): "
                                    + rootMessage(e)));
        }
        return fromCloudEvent(cloudEvent);
    }

    /**
     * The events of a batch ({@code application/cloudevents-batch+json}: a JSON array of structured
     * CloudEvents), each as its own JSON, to be read one by one.
     */
    public List<String> batch(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (IOException e) {
            throw new MalformedEventException(
                    "CloudEvent batch", List.of("not valid JSON: " + e.getMessage()));
        }
        if (node == null || !node.isArray()) {
            throw new MalformedEventException(
                    "CloudEvent batch",
                    List.of("the body must be a JSON array of structured CloudEvents"));
        }
        List<String> events = new ArrayList<>();
        node.forEach(event -> events.add(event.toString()));
        return events;
    }

    private ReleaseEvent fromCloudEvent(CloudEvent cloudEvent) {
        if (cloudEvent.getData() == null) {
            throw new MalformedEventException("CloudEvent", List.of("data: must hold the CDEvent"));
        }
        JsonNode cdEvent = tree(new String(cloudEvent.getData().toBytes(), StandardCharsets.UTF_8));
        return fromCdEvent(cdEvent, cloudEvent.getType(), cloudEvent.getId());
    }

    private ReleaseEvent fromCdEvent(JsonNode cdEvent, String type, String cloudEventId) {
        List<String> problems = new ArrayList<>();
        if (type == null || RELEASE_TYPES.stream().noneMatch(type::startsWith)) {
            throw new MalformedEventException(
                    NAME,
                    List.of(
                            "type: "
                                    + (type == null ? "missing" : "'" + type + "'")
                                    + " is not a release; accepted: dev.cdevents.service.deployed, dev.cdevents.service.upgraded,"
                                    + " dev.cdevents.artifact.published (any version)"));
        }
        boolean artifactPublished = type.startsWith("dev.cdevents.artifact.published.");
        JsonNode context = cdEvent.path("context");
        JsonNode subject = cdEvent.path("subject");
        String purlField = artifactPublished ? "subject.id" : "subject.content.artifactId";
        String purl =
                artifactPublished
                        ? subject.path("id").asText(null)
                        : subject.path("content").path("artifactId").asText(null);
        PackageURL artifact = null;
        if (purl == null || purl.isBlank()) {
            problems.add(purlField + ": must be a package URL such as pkg:oci/myapp@sha256:...");
        } else {
            try {
                artifact = new PackageURL(purl);
                if (artifact.getVersion() == null) {
                    problems.add(
                            purlField
                                    + ": '"
                                    + purl
                                    + "' names no version (pkg:type/name@version)");
                }
            } catch (MalformedPackageURLException e) {
                problems.add(
                        purlField + ": '" + purl + "' is not a package URL: " + e.getMessage());
            }
        }
        String environment = subject.path("content").path("environment").path("id").asText(null);
        if (!artifactPublished && (environment == null || environment.isBlank())) {
            problems.add("subject.content.environment.id: must name the environment");
        }
        String id = context.path("id").asText(cloudEventId);
        if (!problems.isEmpty()) {
            throw new MalformedEventException(NAME, problems);
        }
        ServiceSpec service = services.require(artifact.getName());
        if (service.canaryEndpoints().isEmpty()) {
            throw new MalformedEventException(
                    NAME,
                    List.of(
                            "endpoints: a CDEvent names none, and the service '"
                                    + artifact.getName()
                                    + "' has no canaryEndpoints to deploy to; add them to its registration"));
        }
        return new ReleaseEvent(
                ReleaseEvent.SCHEMA_VERSION,
                id,
                artifact.getName(),
                artifact.getVersion(),
                environment == null ? service.environment() : environment,
                purl,
                service.canaryEndpoints(),
                null,
                null,
                timestamp(context.path("timestamp").asText(null)));
    }

    private JsonNode tree(String json) {
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || !node.isObject()) {
                throw new MalformedEventException(NAME, List.of("the body must be a JSON object"));
            }
            return node;
        } catch (IOException e) {
            throw new MalformedEventException(NAME, List.of("not valid JSON: " + e.getMessage()));
        }
    }

    private static Instant timestamp(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
