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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Brings this replica's own gateways (the embedded gateway, the dry run) to the steps the other
 * replicas applied, within {@code glide.traffic.catch-up-interval} (1 s) instead of at the next
 * reconcile: a step is consumed by one replica, but every replica's embedded gateway serves
 * traffic. It reads the steps applied lately (with a few seconds' overlap, for replicas whose
 * clocks differ) and applies each it has not applied yet, oldest first, so a route ends on its
 * newest. Nothing is reported: the replica that consumed the step answered it.
 */
@ApplicationScoped
public class ReplicaCatchUp {

    private static final Logger LOG = Logger.getLogger(ReplicaCatchUp.class);
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    private final Registry<GatewayAdapter> adapters;
    private final List<String> perReplica;
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private volatile Instant seen = Instant.now().minus(OVERLAP);

    ReplicaCatchUp(Registry<GatewayAdapter> adapters) {
        this.adapters = adapters;
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
                step.rolloutId() + "/" + step.sequence());
    }

    /** Applies the steps other replicas applied lately; returns how many this replica took. */
    public int catchUp() {
        if (perReplica.isEmpty()) {
            return 0;
        }
        return QuarkusTransaction.requiringNew().call(this::catchUpInTransaction);
    }

    /**
     * Rows a replica is changing right now are skipped (its next step lands next tick), and the
     * rows read stay share-locked while they are applied here, so a step consumed meanwhile is
     * applied after them, not overwritten by them.
     */
    private int catchUpInTransaction() {
        @SuppressWarnings("unchecked")
        List<AppliedStep> recent =
                AppliedStep.getEntityManager()
                        .createNativeQuery(
                                "select * from applied_step where applied_at > ?1 and adapter in (?2)"
                                        + " order by applied_at for share skip locked",
                                AppliedStep.class)
                        .setParameter(1, seen.minus(OVERLAP))
                        .setParameter(2, perReplica)
                        .getResultList();
        int taken = 0;
        for (AppliedStep row : recent) {
            seen = row.appliedAt.isAfter(seen) ? row.appliedAt : seen;
            RolloutStep step = row.desired;
            String key = row.adapter + " " + row.route;
            String identity = step.rolloutId() + "/" + step.sequence();
            if (identity.equals(applied.get(key))) {
                continue;
            }
            try {
                adapters.require(row.adapter).apply(step);
                applied.put(key, identity);
                taken++;
            } catch (GatewayException e) {
                LOG.warnf(
                        "[rollout %s] this replica's %s gateway could not take step %d: %s",
                        step.rolloutId(), row.adapter, step.sequence(), e.getMessage());
                applied.put(key, identity);
            }
        }
        // forget routes whose steps are long past the overlap, so the map stays small
        if (applied.size() > 10_000) {
            applied.clear();
        }
        return taken;
    }
}
