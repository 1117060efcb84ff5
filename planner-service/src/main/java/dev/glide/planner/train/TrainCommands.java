package dev.glide.planner.train;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.rollout.RolloutCommands;
import dev.glide.planner.rollout.RolloutCommands.Answer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Locale;

/**
 * Applies promote, abort, pause and resume to a whole train, once per command id, from the API or
 * rollout-commands.
 */
@ApplicationScoped
public class TrainCommands {

    private final TrainDriver driver;

    TrainCommands(TrainDriver driver) {
        this.driver = driver;
    }

    @Transactional
    public Answer apply(RolloutCommand command) {
        Train train = driver.lock(command.rolloutId());
        return RolloutCommands.once(
                command,
                train.state.name(),
                () -> {
                    String verb = command.type().name().toLowerCase(Locale.ROOT);
                    TrainDecision decision =
                            driver.apply(
                                    train,
                                    new TrainInput.CommandReceived(
                                            command.type(), command.actor(), command.reason()),
                                    verb + " (" + command.source() + ")",
                                    command.actor());
                    String message =
                            decision.refused()
                                    ? decision.refusal()
                                    : verb + " accepted; the train is " + train.state;
                    return new Answer(!decision.refused(), message, train.state.name());
                });
    }
}
