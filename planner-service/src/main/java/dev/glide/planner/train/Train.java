package dev.glide.planner.train;

import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.AggregateRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A release train's current state; its log (the kernel's, kind {@code train}) is the history it
 * folds from. Whoever acts on a train and its members locks the train first, then a member's
 * service and rollout (see {@code Rollout.findLocked}): one order, so no two writers wait on each
 * other. Members tell their train through {@link TrainSignal}s, never by locking it.
 */
@Entity
@Table(name = "train")
public class Train extends AggregateRow {

    public String name;

    public String environment;

    @Enumerated(EnumType.STRING)
    public RolloutState state;

    @Enumerated(EnumType.STRING)
    public TrainStatus.Phase phase;

    /**
     * The release as received ({@link dev.glide.contract.TrainRelease}) with each member's team.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public TrainSpec spec;

    /** The state machine's full status ({@link TrainStatus}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public TrainStatus status;

    public String reason;

    @Column(name = "release_key")
    public String releaseKey;

    /**
     * Set while a batch of members' signals is applied in one transaction, but for its last: a
     * transition that changes neither the train's state nor its phase is then logged and not
     * published, and the batch's last transition carries every member's line as the batch left
     * them. A level of 200 members moving publishes two train events, not 200 of 200 lines each.
     */
    @Transient public boolean holdNews;

    /** The train, locked until the transaction ends; read again under the lock. */
    public static Optional<Train> findLocked(String id) {
        return Optional.ofNullable(findLocked(Train.class, id));
    }

    public static Optional<Train> findByReleaseKey(String releaseKey) {
        return find("releaseKey", releaseKey).firstResultOptional();
    }
}
