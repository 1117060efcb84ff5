package dev.glide.planner.train;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.rollout.RolloutCommands.Answer;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Locale;

/** Applies promote, abort, pause and resume to a whole train, once per command id, from the API or rollout-commands. */
@ApplicationScoped
public class TrainCommands {

    private final TrainDriver driver;

    TrainCommands(TrainDriver driver) {
        this.driver = driver;
    }

    @Transactional
    public Answer apply(RolloutCommand command) {
        Train train = driver.lock(command.rolloutId());
        SeenTrainCommand seen = SeenTrainCommand.findById(command.commandId());
        if (seen != null) {
            return new Answer(seen.accepted, "command " + command.commandId() + " was already received: " + seen.answer,
                    train.state.name());
        }
        String verb = command.type().name().toLowerCase(Locale.ROOT);
        TrainDecision decision = driver.apply(train, new TrainInput.CommandReceived(command.type(), command.actor(),
                command.reason()), verb + " (" + command.source() + ")", command.actor());
        String message = decision.refused() ? decision.refusal() : verb + " accepted; the train is " + train.state;
        SeenTrainCommand record = new SeenTrainCommand();
        record.commandId = command.commandId();
        record.trainId = train.id;
        record.type = command.type().name();
        record.actor = command.actor();
        record.accepted = !decision.refused();
        record.answer = message;
        record.receivedAt = Instant.now();
        record.persist();
        return new Answer(!decision.refused(), message, train.state.name());
    }

    /** A command already received, so the same id a second time does not act again. */
    @Entity
    @Table(name = "train_command")
    public static class SeenTrainCommand extends PanacheEntityBase {
        @Id
        @Column(name = "command_id")
        public String commandId;
        @Column(name = "train_id")
        public String trainId;
        public String type;
        public String actor;
        public boolean accepted;
        public String answer;
        @Column(name = "received_at")
        public Instant receivedAt;
    }
}
