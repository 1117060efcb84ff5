package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An event on one of the shared {@link Topics}: it carries its schema version and knows its record
 * key.
 */
public interface KeyedEvent {

    /**
     * The version of this record's shape; a consumer refuses a version newer than it understands.
     */
    int schemaVersion();

    /** The Kafka record key: the rollout id, or the service for release events. */
    @JsonIgnore
    String recordKey();
}
