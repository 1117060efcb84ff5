package dev.glide.planner.kernel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A command already received, by its id, so the same id a second time does not act again. */
@Entity
@Table(name = "seen_command")
public class SeenCommand extends PanacheEntityBase {

    @Id
    @Column(name = "command_id")
    public String commandId;

    /** The target's kind and id: a rollout or a train. */
    public String kind;

    @Column(name = "target_id")
    public String targetId;

    public String type;

    public String actor;

    public boolean accepted;

    public String answer;

    @Column(name = "received_at")
    public Instant receivedAt;
}
