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

/** A pause or rollback-window timer, stored so that it survives a restart. */
@Entity
@Table(name = "rollout_timer")
@IdClass(RolloutTimer.Key.class)
public class RolloutTimer extends PanacheEntityBase {

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id
    @Column(name = "step_index")
    public int stepIndex;

    @Id public int epoch;

    @Column(name = "due_at")
    public Instant dueAt;

    /** The primary key: one rollout, one step, one epoch. */
    public static class Key implements Serializable {
        public String rolloutId;
        public int stepIndex;
        public int epoch;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && key.stepIndex == stepIndex
                    && key.epoch == epoch
                    && Objects.equals(key.rolloutId, rolloutId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, stepIndex, epoch);
        }
    }
}
