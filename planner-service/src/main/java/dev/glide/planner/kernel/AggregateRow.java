package dev.glide.planner.kernel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * What every event-sourced aggregate's row holds besides its own columns: its id, the sequence of
 * its newest log entry (the next gets the one after) and an optimistic lock, so two writers of one
 * aggregate cannot both commit and its log stays one ordered line.
 */
@MappedSuperclass
public abstract class AggregateRow extends PanacheEntityBase {

    @Id public String id;

    @Column(name = "last_sequence")
    public long lastSequence;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version public long version;
}
