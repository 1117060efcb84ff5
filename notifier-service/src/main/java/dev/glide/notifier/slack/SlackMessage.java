package dev.glide.notifier.slack;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The Slack message of a rollout: where it is, so it is updated rather than posted again. */
@Entity
@Table(name = "slack_message")
public class SlackMessage extends PanacheEntityBase {

    @Id
    @Column(name = "rollout_id")
    public String rolloutId;

    public String channel;

    public String ts;

    @Column(name = "posted_at")
    public Instant postedAt;
}
