package dev.glide.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.AssertTrue;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns the shared events into JSON and back, and refuses what is not a valid event with a message
 * naming each bad field. Unknown fields are ignored, so a newer producer that adds a field does not
 * break an older consumer; a schema version newer than the record's own is refused by validation.
 */
public final class EventCodec {

    private final ObjectMapper mapper;
    private final Validator validator;

    public EventCodec(Validator validator) {
        this(defaultMapper(), validator);
    }

    public EventCodec(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    /** The mapper the contract is written with: ISO-8601 instants, unknown fields ignored. */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public String encode(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + event.getClass().getSimpleName(), e);
        }
    }

    /**
     * Any JSON as a tree, for showing it as it was stored; not valid JSON is a {@link
     * MalformedEventException}.
     */
    public JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("JSON", List.of(describe(e)));
        }
    }

    /** The mapper events are written with, for code that builds or reads JSON of other shapes. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Parses and validates one event; throws {@link MalformedEventException} naming what is wrong.
     */
    public <T> T decode(String json, Class<T> type) {
        String name = type.getSimpleName();
        if (json == null || json.isBlank()) {
            throw new MalformedEventException(name, List.of("the record has no value"));
        }
        T event;
        try {
            event = mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException(name, List.of(describe(e)));
        }
        if (event == null) {
            throw new MalformedEventException(name, List.of("the record's value is JSON null"));
        }
        validate(event, name);
        return event;
    }

    /**
     * Validates an event built in code or read elsewhere, with the same messages as {@link
     * #decode}.
     */
    public <T> T validate(T event, String name) {
        var violations = validator.validate(event);
        if (!violations.isEmpty()) {
            throw new MalformedEventException(
                    name,
                    violations.stream()
                            .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                            .map(EventCodec::describe)
                            .collect(Collectors.toList()));
        }
        return event;
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        Object invalid = violation.getInvalidValue();
        // A cross-field check (@AssertTrue on isComplete()) speaks of the object holding it, not of
        // a
        // "complete" property whose value is just false: name the parent, without a value.
        if (violation.getConstraintDescriptor().getAnnotation() instanceof AssertTrue) {
            int dot = path.lastIndexOf('.');
            path = dot < 0 ? "" : path.substring(0, dot);
            invalid = null;
        }
        String value =
                invalid == null || path.isEmpty() || !isScalar(invalid)
                        ? ""
                        : " (was " + quote(invalid) + ")";
        return (path.isEmpty() ? "" : path + ": ") + violation.getMessage() + value;
    }

    private static boolean isScalar(Object value) {
        return value instanceof CharSequence
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Enum;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String path =
                    mapping.getPath().stream()
                            .map(
                                    ref ->
                                            ref.getFieldName() != null
                                                    ? ref.getFieldName()
                                                    : "[" + ref.getIndex() + "]")
                            .collect(Collectors.joining("."))
                            .replace(".[", "[");
            if (e instanceof InvalidFormatException invalid) {
                return path
                        + ": cannot read "
                        + quote(invalid.getValue())
                        + " as "
                        + typeName(invalid.getTargetType());
            }
            if (e instanceof MismatchedInputException mismatched
                    && mismatched.getTargetType() != null) {
                return path + ": expected " + typeName(mismatched.getTargetType());
            }
            return path + ": " + e.getOriginalMessage();
        }
        return "not valid JSON: " + e.getOriginalMessage();
    }

    private static String quote(Object value) {
        return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String typeName(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == int.class
                || type == long.class
                || type == Integer.class
                || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return type.getSimpleName();
    }
}
