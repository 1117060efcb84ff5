package dev.glide.analysis.metrics;

import dev.glide.contract.TrafficMetrics;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One metrics window of one rollout from one source, stored once however often it is delivered. */
@Entity
@Table(name = "metric_window")
@IdClass(MetricWindow.Key.class)
public class MetricWindow extends PanacheEntityBase {

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    @Id public String source;

    @Id
    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "window_end")
    public Instant windowEnd;

    @JdbcTypeCode(SqlTypes.JSON)
    public TrafficMetrics payload;

    @Column(name = "received_at")
    public Instant receivedAt;

    /** The rollout's windows that ended in {@code (from, to]}, oldest first. */
    public static List<MetricWindow> endingBetween(String rolloutId, Instant from, Instant to) {
        return list(
                "rolloutId = ?1 and windowEnd > ?2 and windowEnd <= ?3 order by windowEnd, source",
                rolloutId,
                from,
                to);
    }

    /** The primary key: one rollout, one source, one window start. */
    public static class Key implements Serializable {
        public String rolloutId;
        public String source;
        public Instant windowStart;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(key.rolloutId, rolloutId)
                    && Objects.equals(key.source, source)
                    && Objects.equals(key.windowStart, windowStart);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rolloutId, source, windowStart);
        }
    }
}
