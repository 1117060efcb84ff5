package dev.glide.notifier.delivery;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A notification that was delivered, remembered so a redelivered record is not sent again. */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {

    @Id
    @Column(name = "dedupe_key")
    public String dedupeKey;

    @Column(name = "rollout_id")
    public String rolloutId;

    public String channel;

    @Column(name = "delivered_at")
    public Instant deliveredAt;
}
