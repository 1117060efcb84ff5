package dev.glide.traffic.step;

import dev.glide.contract.RolloutStep;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.seam.Registry;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Brings this replica's own gateways (the embedded gateway, the dry run) to the steps the other
 * replicas applied, within {@code glide.traffic.catch-up-interval} (1 s) instead of at the next
 * reconcile: a step is consumed by one replica, but every replica's embedded gateway serves
 * traffic. It reads the steps applied lately (with a few seconds' overlap, for replicas whose
 * clocks differ) and applies each it has not applied yet, oldest first, so a route ends on its
 * newest, each in its route's lane. Nothing is reported: the replica that consumed the step
 * answered it.
 */
@ApplicationScoped
public class ReplicaCatchUp {

    private static final Logger LOG = Logger.getLogger(ReplicaCatchUp.class);
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    private final Registry<GatewayAdapter> adapters;
    private final List<String> perReplica;
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();
    private final RouteLanes lanes;
    private volatile Instant seen = Instant.now().minus(OVERLAP);

    ReplicaCatchUp(Registry<GatewayAdapter> adapters, RouteLanes lanes) {
        this.adapters = adapters;
        this.lanes = lanes;
        this.perReplica =
                adapters.types().stream()
                        .filter(type -> adapters.require(type).perReplica())
                        .sorted()
                        .toList();
    }

    @Scheduled(
            every = "${glide.traffic.catch-up-interval}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        DatabaseOutage.tick("catching up with the other replicas' steps", this::catchUp);
    }

    /** This replica applied the step itself: nothing to catch up on for it. */
    void appliedHere(RolloutStep step) {
        applied.put(
                step.gateway().adapter() + " " + step.gateway().route(),
                new Applied(step.rolloutId() + "/" + step.sequence(), Instant.now()));
    }

    /** Applies the steps other replicas applied lately; returns how many this replica took. */
    public int catchUp() {
        if (perReplica.isEmpty()) {
            return 0;
        }
        List<AppliedStep> recent = QuarkusTransaction.requiringNew().call(this::recentFromOthers);
        List<CompletableFuture<Boolean>> taken = new ArrayList<>();
        for (AppliedStep row : recent) {
            // in the route's lane: after any step this replica is applying to it right now
            taken.add(lanes.submitCall(RouteLanes.laneOf(row.desired.gateway()), () -> take(row)));
        }
        // forget routes whose steps are long past the overlap, so the map stays small
        if (applied.size() > 10_000) {
            applied.clear();
        }
        return (int) taken.stream().filter(CompletableFuture::join).count();
    }

    /**
     * The steps applied lately that this replica did not apply itself, oldest first: their keys are
     * read first and only the others' steps are loaded whole, so a replica that applied most steps
     * itself (or the only replica) does not decode them all again every second.
     */
    private List<AppliedStep> recentFromOthers() {
        List<Object[]> keys =
                AppliedStep.getEntityManager()
                        .createQuery(
                                "select a.rolloutId, a.sequence, a.adapter, a.route, a.appliedAt"
                                        + " from AppliedStep a where a.appliedAt > :since and"
                                        + " a.adapter in :adapters",
                                Object[].class)
                        .setParameter("since", seen.minus(OVERLAP))
                        .setParameter("adapters", perReplica)
                        .getResultList();
        List<String> others = new ArrayList<>();
        for (Object[] row : keys) {
            Instant at = (Instant) row[4];
            seen = at.isAfter(seen) ? at : seen;
            Applied here = applied.get(row[2] + " " + row[3]);
            if (here == null || !here.identity().equals(row[0] + "/" + row[1])) {
                others.add((String) row[0]);
            }
        }
        if (others.isEmpty()) {
            return List.of();
        }
        return AppliedStep.list("rolloutId in ?1 order by appliedAt", others);
    }

    /**
     * Applies another replica's step here, unless this replica already has it or has applied a
     * newer step to the route since.
     */
    private boolean take(AppliedStep row) {
        RolloutStep step = row.desired;
        String key = row.adapter + " " + row.route;
        String identity = step.rolloutId() + "/" + step.sequence();
        Applied here = applied.get(key);
        if (here != null
                && (identity.equals(here.identity()) || here.at().isAfter(row.appliedAt))) {
            return false;
        }
        try {
            adapters.require(row.adapter).apply(step);
        } catch (GatewayException e) {
            LOG.warnf(
                    "[rollout %s] this replica's %s gateway could not take step %d: %s",
                    step.rolloutId(), row.adapter, step.sequence(), e.getMessage());
        }
        applied.put(key, new Applied(identity, row.appliedAt));
        return true;
    }

    /** The step this replica's gateway last took for a route, and when it was applied. */
    private record Applied(String identity, Instant at) {}
}
