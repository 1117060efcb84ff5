package dev.glide.notifier.slack;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A button click that became a command, remembered so a replay or a second click does not make
 * another.
 */
@Entity
@Table(name = "slack_click")
public class SlackClick extends PanacheEntityBase {

    @Id
    @Column(name = "click_key")
    public String clickKey;

    @Column(name = "command_id")
    public String commandId;

    @Column(name = "rollout_id")
    public String rolloutId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "command_type")
    public String commandType;

    @Column(name = "clicked_at")
    public Instant clickedAt;

    public static SlackClick byCommand(String commandId) {
        return find("commandId", commandId).firstResult();
    }
}
