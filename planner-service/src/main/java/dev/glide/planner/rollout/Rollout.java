package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A rollout's current state. Its log ({@link RolloutLogEntry}) is the history this state folds from. */
@Entity
@Table(name = "rollout")
public class Rollout extends PanacheEntityBase {

    @Id
    public String id;

    public String service;

    public String environment;

    @Column(name = "stable_version")
    public String stableVersion;

    @Column(name = "canary_version")
    public String canaryVersion;

    public String strategy;

    @Enumerated(EnumType.STRING)
    public RolloutState state;

    @Column(name = "step_index")
    public int stepIndex;

    @Column(name = "canary_weight")
    public double canaryWeight;

    /** The sequence of the newest log entry; the next entry gets the one after. */
    @Column(name = "last_sequence")
    public long lastSequence;

    @Column(name = "release_key")
    public String releaseKey;

    /** What the rollout follows ({@link RolloutSpec}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String spec;

    /** The state machine's full status ({@link RolloutStatus}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String status;

    /** Why it is paused, aborting or failed. */
    public String reason;

    /** The release that started it, as received. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String release;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Optimistic lock: two writers of one rollout cannot both commit, so its log stays one ordered line. */
    @Version
    public long version;

    /** The rollout, locked until the transaction ends, so its inputs are applied one at a time; empty if unknown. */
    public static Optional<Rollout> findLocked(String id) {
        return findByIdOptional(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    public static Optional<Rollout> findByReleaseKey(String releaseKey) {
        return find("releaseKey", releaseKey).firstResultOptional();
    }

    /** The rollouts of a service that have not ended, oldest first. */
    public static java.util.List<Rollout> unfinishedOf(String service) {
        return list("service = ?1 and state not in ?2 order by createdAt", service,
                java.util.List.of(RolloutState.SUCCEEDED, RolloutState.ABORTED, RolloutState.FAILED));
    }
}
