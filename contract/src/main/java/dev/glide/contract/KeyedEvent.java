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

    /**
     * True for an event that makes users safe (a step taking everyone back to the stable version):
     * wherever events of many aggregates queue (the planner's outbox, the traffic service's lanes),
     * it goes ahead of other aggregates' events, never of its own aggregate's earlier ones.
     */
    @JsonIgnore
    default boolean urgent() {
        return false;
    }
}
