package dev.glide.planner.rollout;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.kernel.CommandAnswer;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.kernel.Kernel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Promote, abort, pause and resume (once per command id), and replay, for one rollout. */
@ApplicationScoped
public class RolloutCommands {

    private final Kernel kernel;
    private final RolloutDriver driver;

    RolloutCommands(Kernel kernel, RolloutDriver driver) {
        this.kernel = kernel;
        this.driver = driver;
    }

    public CommandAnswer apply(RolloutCommand command) {
        return kernel.command(driver, command);
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
