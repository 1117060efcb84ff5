package dev.glide.contract.jpa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.EventCodec;
import io.quarkus.hibernate.orm.JsonFormat;
import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import jakarta.inject.Singleton;
import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.format.FormatMapper;

/**
 * JSON columns ({@code @JdbcTypeCode(SqlTypes.JSON)} fields: a rollout's spec and status, a step as
 * applied, ...) of every service are written and read by the contract's one mapper, so a column
 * holds exactly what the events hold. A {@code String} field keeps its JSON as text (a log entry's
 * payload: as published).
 */
@JsonFormat
@PersistenceUnitExtension
@Singleton
public class JsonColumns implements FormatMapper {

    private final ObjectMapper mapper;

    JsonColumns(EventCodec codec) {
        this.mapper = codec.mapper();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T fromString(CharSequence json, JavaType<T> type, WrapperOptions options) {
        if (type.getJavaType() == String.class) {
            return (T) json.toString();
        }
        try {
            return mapper.readValue(json.toString(), mapper.constructType(type.getJavaType()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot read a JSON column as " + type.getJavaType().getTypeName(), e);
        }
    }

    @Override
    public <T> String toString(T value, JavaType<T> type, WrapperOptions options) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + value.getClass().getName() + " as a JSON column", e);
        }
    }
}
