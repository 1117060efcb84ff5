package dev.glide.planner.rollout;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One entry of a rollout's append-only log: a step emitted or a state transition. Entries with a
 * topic are the outbox: the relay publishes them and stamps {@link #publishedAt}.
 */
@Entity
@Table(name = "rollout_log")
@IdClass(RolloutLogEntry.Key.class)
public class RolloutLogEntry extends PanacheEntityBase {

    public enum Type {
        /**
         * What happened to the rollout (a confirmation, a verdict, a command, a timer): the folded
         * history.
         */
        INPUT,
        /** A traffic step asked of the gateway. */
        STEP,
        /** A change of state or step. */
        TRANSITION,
        /** An analysis the planner started. */
        ANALYSIS,
        /** How the rollout ended, announced to other CI/CD tools as a CDEvent. */
        ANNOUNCEMENT
    }

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id public long sequence;

    public String type;

    /** Where the entry is published, or null for an entry kept only in the log. */
    public String topic;

    /** The event exactly as published (or as it will be). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String payload;

    public String cause;

    public String actor;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** The primary key: one rollout, one sequence. */
    public static class Key implements Serializable {
        public String rolloutId;
        public long sequence;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && key.sequence == sequence
                    && Objects.equals(key.rolloutId, rolloutId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, sequence);
        }
    }
}
