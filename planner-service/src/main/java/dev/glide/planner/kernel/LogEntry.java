package dev.glide.planner.kernel;

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
 * One entry of an aggregate's append-only log (a rollout's, a train's): an input it was fed or an
 * output it made. Entries with a topic are the outbox: the relay publishes them in {@link
 * #position} order and stamps {@link #publishedAt}.
 */
@Entity
@Table(name = "aggregate_log")
@IdClass(LogEntry.Key.class)
public class LogEntry extends PanacheEntityBase {

    /** What the entry is; each aggregate kind uses the ones it needs. */
    public enum Type {
        /** What happened to the aggregate (news, a command, a timer): the folded history. */
        INPUT,
        /** A traffic step asked of the gateway. */
        STEP,
        /** A change of state or step: its event. */
        TRANSITION,
        /** An analysis the planner started. */
        ANALYSIS,
        /** How a rollout ended, announced to other CI/CD tools as a CDEvent. */
        ANNOUNCEMENT,
        /** What a train did to a member (start, let through a gate, abort, pause, resume). */
        ACTION
    }

    /** The aggregate's kind ({@code rollout}, {@code train}): with its id, the log's owner. */
    @Id public String kind;

    @Id
    @Column(name = "aggregate_id")
    public String aggregateId;

    @Id public long sequence;

    public String type;

    /** Where the entry is published, or null for an entry kept only in the log. */
    public String topic;

    /** The entry exactly as published (or as it will be). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String payload;

    public String cause;

    public String actor;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** Insertion order across all aggregates, given by the database. */
    @Column(insertable = false, updatable = false)
    public Long position;

    /** The primary key: one aggregate, one sequence. */
    public static class Key implements Serializable {
        public String kind;
        public String aggregateId;
        public long sequence;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && key.sequence == sequence
                    && Objects.equals(key.kind, kind)
                    && Objects.equals(key.aggregateId, aggregateId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, aggregateId, sequence);
        }
    }
}
