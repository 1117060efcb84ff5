package dev.glide.planner.train;

import dev.glide.contract.RolloutState;
import dev.glide.contract.TrainMember;
import dev.glide.planner.kernel.HistoryEntry;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.rollout.Rollout;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    /** What a member's line shows of its rollout. */
    private record MemberRollout(RolloutState state, double canaryWeight, String reason) {}

    /**
     * The members' rollouts' state, weight and reason by id, in one query that reads neither their
     * specs nor their statuses: a 300-member train's page is one read, not 300.
     */
    private static Map<String, MemberRollout> memberRollouts(List<String> ids) {
        Map<String, MemberRollout> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        Rollout.getEntityManager()
                .createQuery(
                        "select r.id, r.state, r.canaryWeight, r.reason from Rollout r where r.id"
                                + " in :ids",
                        Object[].class)
                .setParameter("ids", ids)
                .getResultList()
                .forEach(
                        row ->
                                found.put(
                                        (String) row[0],
                                        new MemberRollout(
                                                (RolloutState) row[1],
                                                (Double) row[2],
                                                (String) row[3])));
        return found;
    }

    private Train require(String id) {
        return driver.find(id);
    }

    private TrainView view(Train train) {
        TrainSpec spec = driver.spec(train);
        List<TrainMember> lines =
                TrainDriver.members(train.id, spec, spec.plan(), driver.status(train));
        Map<String, MemberRollout> rollouts =
                memberRollouts(
                        lines.stream()
                                .map(TrainMember::rolloutId)
                                .filter(Objects::nonNull)
                                .toList());
        List<TrainView.MemberView> members =
                lines.stream()
                        .map(
                                line -> {
                                    MemberRollout rollout =
                                            line.rolloutId() == null
                                                    ? null
                                                    : rollouts.get(line.rolloutId());
                                    return new TrainView.MemberView(
                                            line.service(),
                                            line.version(),
                                            line.dependsOn(),
                                            line.state(),
                                            line.rolloutId(),
                                            rollout == null ? null : rollout.state().name(),
                                            rollout == null ? 0 : rollout.canaryWeight(),
                                            rollout != null && rollout.reason() != null
                                                    ? rollout.reason()
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
