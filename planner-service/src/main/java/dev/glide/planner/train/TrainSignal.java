package dev.glide.planner.train;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A member's news for its train ({@link TrainInput.MemberMoved}), stored with the member's change,
 * read once.
 */
@Entity
@Table(name = "train_signal")
public class TrainSignal extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "train_id")
    public String trainId;

    @JdbcTypeCode(SqlTypes.JSON)
    public TrainInput.MemberMoved payload;

    @Column(name = "created_at")
    public Instant createdAt;
}
