package dev.glide.traffic.step;

import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding.Drift;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.kafka.EventPublisher;
import dev.glide.contract.seam.Registry;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Keeps every gateway route on its newest step. Each interval it reads every route back and, where
 * the gateway serves something else (someone edited it by hand, a gateway restarted empty), acts by
 * the binding's drift policy: {@code correct} applies the step again and reports the correction on
 * traffic-applied with what was found; {@code report} publishes what was found (once per distinct
 * finding) and changes nothing; {@code off} does not read the route at all. A per-replica gateway
 * (the embedded one) is Glide's own and always caught up, whatever the policy. The first pass after
 * start-up re-applies every route's step outright, which refills the embedded gateway and lets the
 * adapters' collectors know their routes.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final Registry<GatewayAdapter> adapters;
    private final GatewayDriver driver;
    private final EventPublisher publisher;
    private final MeterRegistry registry;
    private final RouteLanes lanes;
    private volatile boolean restored;

    /**
     * Per rollout, the drift last reported under the {@code report} policy (with the step it was
     * found against): each finding is reported once.
     */
    private final Map<String, String> reportedDrift = new ConcurrentHashMap<>();

    Reconciler(
            Registry<GatewayAdapter> adapters,
            GatewayDriver driver,
            EventCodec codec,
            MeterRegistry registry,
            RouteLanes lanes,
            @Channel(Topics.TRAFFIC_APPLIED) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                    Emitter<String> emitter) {
        this.adapters = adapters;
        this.lanes = lanes;
        this.driver = driver;
        this.registry = registry;
        this.publisher = new EventPublisher(emitter, codec);
    }

    @Scheduled(
            every = "${glide.traffic.reconcile-interval}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        DatabaseOutage.tick("reconciling the routes", this::reconcileNow);
    }

    private void reconcileNow() {
        if (!restored) {
            restoreAll();
            restored = true;
        }
        List<TrafficApplied> corrections = reconcileAll();
        if (!corrections.isEmpty()) {
            publisher.publishEvents(corrections);
        }
    }

    /**
     * Compares every route with its newest step and corrects drift; returns one report per
     * correction. Each route is reconciled in its lane, after the steps already queued for it and
     * concurrently with the other routes, and no database lock is held while a gateway is read or
     * corrected.
     */
    public List<TrafficApplied> reconcileAll() {
        List<CompletableFuture<Optional<TrafficApplied>>> all = new ArrayList<>();
        for (AppliedStep row :
                QuarkusTransaction.requiringNew().call(AppliedStep::newestPerRoute)) {
            all.add(
                    lanes.submitCall(
                            RouteLanes.laneOf(row.desired.gateway()),
                            () -> reconcileLogged(row.rolloutId)));
        }
        List<TrafficApplied> corrections = new ArrayList<>();
        for (CompletableFuture<Optional<TrafficApplied>> one : all) {
            one.join().ifPresent(corrections::add);
        }
        return corrections;
    }

    private Optional<TrafficApplied> reconcileLogged(String rolloutId) {
        try {
            return reconcile(rolloutId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "[rollout %s] could not reconcile its route", rolloutId);
            return Optional.empty();
        }
    }

    private Optional<TrafficApplied> reconcile(String rolloutId) {
        // read again in the lane: a step applied just before is the one to hold the route to
        AppliedStep applied =
                QuarkusTransaction.requiringNew().call(() -> AppliedStep.findById(rolloutId));
        RolloutStep step = applied.desired;
        Optional<GatewayAdapter> adapter = adapters.find(applied.adapter);
        if (adapter.isEmpty()) {
            return Optional.empty();
        }
        Drift policy = step.gateway().driftPolicy();
        if (policy == Drift.OFF && !adapter.get().perReplica()) {
            return Optional.empty();
        }
        String found;
        ServedTraffic served = null;
        try {
            served = adapter.get().read(step.gateway());
            if (served.matches(step, adapter.get().weightTolerance())) {
                reportedDrift.remove(rolloutId);
                return Optional.empty();
            }
            found = "the gateway served " + served.describe();
        } catch (GatewayException e) {
            if (e.isTransient() && !adapter.get().perReplica()) {
                LOG.debugf(
                        "[rollout %s] gateway unreachable, reconcile later: %s",
                        rolloutId, e.getMessage());
                return Optional.empty();
            }
            found = e.getMessage();
        }
        if (adapter.get().perReplica()) {
            return catchUp(adapter.get(), step);
        }
        if (policy == Drift.REPORT) {
            return report(step, served, found);
        }
        try {
            ServedTraffic corrected = driver.applyAndVerify(adapter.get(), step);
            registry.counter("glide.traffic.drift.corrected", "adapter", applied.adapter)
                    .increment();
            String note =
                    "drift corrected: " + found + "; step " + step.sequence() + " applied again";
            LOG.warnf("[rollout %s] %s", rolloutId, note);
            return Optional.of(StepApplier.applied(step, corrected, note));
        } catch (GatewayException e) {
            LOG.warnf(
                    "[rollout %s] drift found (%s) but could not be corrected: %s",
                    rolloutId, found, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Under the {@code report} policy: the drift is published (and lands in the rollout's history)
     * the first time it is found and again only when it changes; the route is left as it is.
     */
    private Optional<TrafficApplied> report(RolloutStep step, ServedTraffic served, String found) {
        String finding = step.sequence() + ": " + found;
        if (finding.equals(reportedDrift.put(step.rolloutId(), finding))) {
            return Optional.empty();
        }
        registry.counter("glide.traffic.drift.reported", "adapter", step.gateway().adapter())
                .increment();
        String note =
                "drift found: "
                        + found
                        + " instead of step "
                        + step.sequence()
                        + "; not corrected (the binding's drift policy is 'report')";
        LOG.warnf("[rollout %s] %s", step.rolloutId(), note);
        return Optional.of(StepApplier.drifted(step, served, note));
    }

    /**
     * This replica's own gateway had not seen the route's newest step (another replica consumed
     * it): applied quietly, as at start-up, since nobody changed anything and the rollout has its
     * answer already.
     */
    private Optional<TrafficApplied> catchUp(GatewayAdapter adapter, RolloutStep step) {
        try {
            adapter.apply(step);
            LOG.debugf(
                    "[rollout %s] this replica's %s gateway caught up with step %d",
                    step.rolloutId(), adapter.type(), step.sequence());
        } catch (GatewayException e) {
            LOG.warnf(
                    "[rollout %s] this replica's %s gateway could not take step %d: %s",
                    step.rolloutId(), adapter.type(), step.sequence(), e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Applies every route's newest step once, quietly: the gateways' state after this service
     * (re)starts.
     */
    void restoreAll() {
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (AppliedStep row :
                QuarkusTransaction.requiringNew().call(AppliedStep::newestPerRoute)) {
            Optional<GatewayAdapter> adapter = adapters.find(row.adapter);
            if (adapter.isEmpty()) {
                continue;
            }
            all.add(
                    lanes.submitCall(
                            RouteLanes.laneOf(row.desired.gateway()),
                            () -> restore(adapter.get(), row)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private static boolean restore(GatewayAdapter adapter, AppliedStep row) {
        try {
            adapter.apply(row.desired);
            return true;
        } catch (GatewayException e) {
            LOG.infof(
                    "[rollout %s] route %s not restored: %s",
                    row.rolloutId, row.route, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf(e, "[rollout %s] could not restore its route", row.rolloutId);
        }
        return false;
    }
}
