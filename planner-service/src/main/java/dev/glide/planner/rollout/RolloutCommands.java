package dev.glide.planner.rollout;

import dev.glide.planner.kernel.CommandAnswer;
import dev.glide.planner.kernel.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Replay: the rollout's desired traffic state sent to the gateway again. */
@ApplicationScoped
public class RolloutCommands {

    private final RolloutDriver driver;

    RolloutCommands(RolloutDriver driver) {
        this.driver = driver;
    }

    /** Sends the rollout's desired traffic state to the gateway again. */
    @Transactional
    public CommandAnswer replay(String rolloutId, String actor) {
        Rollout rollout = driver.lock(rolloutId);
        Decision<RolloutStatus, MachineOutput> decision =
                driver.apply(rollout, new MachineInput.ReplayRequested(actor), "replay", actor);
        return new CommandAnswer(
                !decision.refused(),
                decision.refused()
                        ? decision.refusal()
                        : "the desired traffic state was sent again as step "
                                + rollout.lastSequence,
                rollout.state.name());
    }
}
