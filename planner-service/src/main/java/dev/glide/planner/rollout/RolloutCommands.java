package dev.glide.planner.rollout;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Applies promote, abort, pause and resume, once per command id, from the API or from
 * rollout-commands.
 */
@ApplicationScoped
public class RolloutCommands {

    /**
     * The answer to a command: accepted or refused, with the reason, and the rollout's state after
     * it.
     */
    public record Answer(boolean accepted, String message, String state) {}

    private final RolloutDriver driver;

    RolloutCommands(RolloutDriver driver) {
        this.driver = driver;
    }

    @Transactional
    public Answer apply(RolloutCommand command) {
        Rollout rollout = driver.lock(command.rolloutId());
        return once(
                command,
                rollout.state.name(),
                () -> {
                    Decision decision =
                            driver.apply(
                                    rollout,
                                    new CommandReceived(
                                            command.type(), command.actor(), command.reason()),
                                    command.type().name().toLowerCase()
                                            + " ("
                                            + command.source()
                                            + ")",
                                    command.actor());
                    String message =
                            decision.refused()
                                    ? decision.refusal()
                                    : command.type().name().toLowerCase()
                                            + " accepted; the rollout is "
                                            + rollout.state;
                    return new Answer(!decision.refused(), message, rollout.state.name());
                });
    }

    /**
     * Acts on a command (to a rollout or a release train) once per command id, in the caller's
     * transaction, which has locked the command's target: the same id again gets the first answer
     * back, with the target's state {@code now}.
     */
    public static Answer once(RolloutCommand command, String now, Supplier<Answer> act) {
        SeenCommand seen = SeenCommand.findById(command.commandId());
        if (seen != null) {
            return new Answer(
                    seen.accepted,
                    "command " + command.commandId() + " was already received: " + seen.answer,
                    now);
        }
        Answer answer = act.get();
        SeenCommand record = new SeenCommand();
        record.commandId = command.commandId();
        record.rolloutId = command.rolloutId();
        record.type = command.type().name();
        record.actor = command.actor();
        record.accepted = answer.accepted();
        record.answer = answer.message();
        record.receivedAt = Instant.now();
        record.persist();
        return answer;
    }

    /** Sends the rollout's desired traffic state to the gateway again. */
    @Transactional
    public Answer replay(String rolloutId, String actor) {
        Rollout rollout = driver.lock(rolloutId);
        Decision decision =
                driver.apply(rollout, new MachineInput.ReplayRequested(actor), "replay", actor);
        return new Answer(
                !decision.refused(),
                decision.refused()
                        ? decision.refusal()
                        : "the desired traffic state was sent again as step "
                                + rollout.lastSequence,
                rollout.state.name());
    }

    /**
     * A command already received, so the same id a second time does not act again; {@code
     * rolloutId}: its rollout or train.
     */
    @Entity
    @Table(name = "rollout_command")
    public static class SeenCommand extends io.quarkus.hibernate.orm.panache.PanacheEntityBase {
        @Id
        @Column(name = "command_id")
        public String commandId;

        @Column(name = "rollout_id")
        public String rolloutId;

        public String type;
        public String actor;
        public boolean accepted;
        public String answer;

        @Column(name = "received_at")
        public Instant receivedAt;
    }
}
