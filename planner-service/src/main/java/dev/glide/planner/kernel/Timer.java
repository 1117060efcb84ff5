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

/**
 * A timer an aggregate's machine asked for (a pause, a rollback window), stored so that it survives
 * a restart. {@code name} says which of the aggregate's timers it is, {@code epoch} when it was
 * set: a timer made stale by a later change is ignored by the machine when it fires.
 */
@Entity
@Table(name = "aggregate_timer")
@IdClass(Timer.Key.class)
public class Timer extends PanacheEntityBase {

    @Id public String kind;

    @Id
    @Column(name = "aggregate_id")
    public String aggregateId;

    @Id public String name;

    @Id public int epoch;

    @Column(name = "due_at")
    public Instant dueAt;

    /** The primary key: one aggregate's timer of one name and epoch. */
    public static class Key implements Serializable {
        public String kind;
        public String aggregateId;
        public String name;
        public int epoch;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && key.epoch == epoch
                    && Objects.equals(key.kind, kind)
                    && Objects.equals(key.aggregateId, aggregateId)
                    && Objects.equals(key.name, name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, aggregateId, name, epoch);
        }
    }
}
