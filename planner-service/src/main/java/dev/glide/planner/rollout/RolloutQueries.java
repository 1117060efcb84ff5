package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.EventLog;
import dev.glide.planner.kernel.HistoryEntry;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Reads rollouts, their history and the fold of their log. */
@ApplicationScoped
public class RolloutQueries {

    /** A rollout as it is now, with the log entries a watcher has not seen yet. */
    public record Update(RolloutView rollout, List<HistoryEntry> entries) {}

    private final RolloutDriver driver;
    private final EventLog log;

    RolloutQueries(RolloutDriver driver, EventLog log) {
        this.driver = driver;
        this.log = log;
    }

    /** Rollouts, newest first: of one service, team or state where given, at most {@code limit}. */
    @Transactional
    public List<RolloutView> list(String service, String team, RolloutState state, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (service != null) {
            query.append(" and service = :service");
            parameters.and("service", service);
        }
        if (state != null) {
            query.append(" and state = :state");
            parameters.and("state", state);
        }
        // the team lives in the rollout's spec; a team's rollouts are a small share, read newest
        // first until enough
        return Rollout.<Rollout>find(query.toString(), Sort.descending("createdAt"), parameters)
                .stream()
                .map(this::view)
                .filter(view -> team == null || team.equals(view.team()))
                .limit(limit)
                .toList();
    }

    /**
     * The rollout and its log entries after {@code afterSequence}, what a live view has not seen
     * yet; empty when nothing was logged since, unless {@code always}. Every change of a rollout is
     * logged with it (an ignored input changes nothing), so the rollout is only read when there is
     * something new; a queued rollout has no entries yet, which is why a view's first look asks for
     * it {@code always}.
     */
    @Transactional
    public Optional<Update> since(String id, long afterSequence, boolean always) {
        List<HistoryEntry> entries =
                log.after(RolloutDriver.KIND, id, afterSequence).stream().map(log::entry).toList();
        return entries.isEmpty() && !always
                ? Optional.empty()
                : Optional.of(new Update(view(require(id)), entries));
    }

    @Transactional
    public RolloutView get(String id) {
        return view(require(id));
    }

    /** The service a rollout releases (whose team may act on it), read alone. */
    @Transactional
    public String serviceOf(String id) {
        return Rollout.serviceOf(id).orElseThrow(() -> new UnknownRolloutException(id));
    }

    private Rollout require(String id) {
        return driver.find(id);
    }

    private RolloutView view(Rollout rollout) {
        RolloutSpec spec = driver.spec(rollout);
        int stepCount = driver.machine(rollout).plan().size();
        return new RolloutView(
                rollout.id,
                rollout.service,
                rollout.environment,
                rollout.strategy,
                rollout.state.name(),
                Math.min(rollout.stepIndex + 1, stepCount),
                stepCount,
                rollout.canaryWeight,
                rollout.stableVersion,
                rollout.canaryVersion,
                rollout.reason,
                rollout.createdAt,
                rollout.updatedAt,
                spec.team(),
                rollout.trainId);
    }
}
