package dev.glide.notifier.view;

import dev.glide.notifier.channel.RolloutSnapshot;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A rollout as the notifier last folded it (a {@code RolloutSnapshot} as JSON). */
@Entity
@Table(name = "rollout_view")
public class RolloutView extends PanacheEntityBase {

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @JdbcTypeCode(SqlTypes.JSON)
    public RolloutSnapshot snapshot;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
