package dev.glide.planner.train;

import dev.glide.contract.RolloutCommand;
import dev.glide.planner.kernel.CommandAnswer;
import dev.glide.planner.kernel.Kernel;
import jakarta.enterprise.context.ApplicationScoped;

/** Promote, abort, pause and resume a whole train, once per command id. */
@ApplicationScoped
public class TrainCommands {

    private final Kernel kernel;
    private final TrainDriver driver;

    TrainCommands(Kernel kernel, TrainDriver driver) {
        this.kernel = kernel;
        this.driver = driver;
    }

    public CommandAnswer apply(RolloutCommand command) {
        return kernel.command(driver, command);
    }
}
