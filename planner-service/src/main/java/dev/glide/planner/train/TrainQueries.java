package dev.glide.planner.train;

import dev.glide.contract.TrainMember;
import dev.glide.planner.kernel.HistoryEntry;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.rollout.Rollout;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** Reads trains, their history and the fold of their log. */
@ApplicationScoped
public class TrainQueries {

    private final TrainDriver driver;
    private final Kernel kernel;

    TrainQueries(TrainDriver driver, Kernel kernel) {
        this.driver = driver;
        this.kernel = kernel;
    }

    /** A train as its page shows it: itself and its whole history. */
    public record Update(TrainView train, List<HistoryEntry> entries) {}

    @Transactional
    public Update update(String id) {
        return new Update(get(id), kernel.history(driver, id));
    }

    @Transactional
    public List<TrainView> list(int limit) {
        return Train.<Train>findAll(Sort.descending("createdAt")).page(0, limit).stream()
                .map(this::view)
                .toList();
    }

    @Transactional
    public TrainView get(String id) {
        return view(require(id));
    }

    private Train require(String id) {
        return driver.find(id);
    }

    private TrainView view(Train train) {
        TrainSpec spec = driver.spec(train);
        List<TrainMember> lines =
                TrainDriver.members(train.id, spec, spec.plan(), driver.status(train));
        List<TrainView.MemberView> members =
                lines.stream()
                        .map(
                                line -> {
                                    Rollout rollout =
                                            line.rolloutId() == null
                                                    ? null
                                                    : Rollout.findById(line.rolloutId());
                                    return new TrainView.MemberView(
                                            line.service(),
                                            line.version(),
                                            line.dependsOn(),
                                            line.state(),
                                            line.rolloutId(),
                                            rollout == null ? null : rollout.state.name(),
                                            rollout == null ? 0 : rollout.canaryWeight,
                                            rollout != null && rollout.reason != null
                                                    ? rollout.reason
                                                    : line.reason());
                                })
                        .toList();
        return new TrainView(
                train.id,
                train.name,
                train.environment,
                train.state.name(),
                train.phase.name(),
                train.reason,
                spec.team(),
                members,
                train.createdAt,
                train.updatedAt);
    }
}
