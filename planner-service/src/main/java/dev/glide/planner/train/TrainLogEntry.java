package dev.glide.planner.train;

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
 * One entry of a train's append-only log; entries with a topic are published by the outbox relay.
 */
@Entity
@Table(name = "train_log")
@IdClass(TrainLogEntry.Key.class)
public class TrainLogEntry extends PanacheEntityBase {

    public enum Type {
        /** What happened to the train (a member's news, a command, a timer): the folded history. */
        INPUT,
        /** What the train did to a member (start, let through a gate, abort, pause, resume). */
        ACTION,
        /** The train changed: its event. */
        TRANSITION
    }

    @Id
    @Column(name = "train_id")
    public String trainId;

    @Id public long sequence;

    public String type;

    public String topic;

    @JdbcTypeCode(SqlTypes.JSON)
    public String payload;

    public String cause;

    public String actor;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** The primary key: one train, one sequence. */
    public static class Key implements Serializable {
        public String trainId;
        public long sequence;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && key.sequence == sequence
                    && Objects.equals(key.trainId, trainId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(trainId, sequence);
        }
    }
}
