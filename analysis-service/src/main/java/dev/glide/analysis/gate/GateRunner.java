package dev.glide.analysis.gate;

import dev.glide.analysis.judge.AnalysisConfig;
import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.concurrent.DaemonThreads;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.metrics.TrafficRecorder;
import dev.glide.contract.seam.Registry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Runs gates where verdicts are made, shared among the analysis replicas as analyses are: each gate
 * of each window is a {@link GateRun} row that a replica takes with a lease ({@code
 * glide.analysis.gates.lease}), renews while the gate runs (a third of the lease apart) and ends
 * with the gate's finding. A replica that dies mid-gate stops renewing and another takes the gate
 * over once the lease ran out; a gate that ended is never run again. Gates run on their own workers
 * ({@code glide.analysis.gates.workers}), never on the thread that judges windows, so a slow
 * webhook or a load test holds up nothing else. A gate whose analysis ended (the rollout moved on)
 * is cancelled, and a running one stops at its next renewal; a told gate (onAbort) has no analysis
 * and runs to its end.
 */
@ApplicationScoped
public class GateRunner {

    private static final Logger LOG = Logger.getLogger(GateRunner.class);

    private final Registry<GateCheck> checks;
    private final EntityManager entityManager;
    private final Duration lease;
    private final Semaphore workers;
    private final ExecutorService pool =
            Executors.newCachedThreadPool(DaemonThreads.named("gate-"));
    private final Map<GateRun.Key, Held> running = new ConcurrentHashMap<>();
    private final String owner =
            TrafficRecorder.sourceOf("analysis")
                    + "/"
                    + UUID.randomUUID().toString().substring(0, 8);
    private volatile Instant renewed = Instant.EPOCH;
    private final Event<Opened> opened;

    GateRunner(
            Instance<GateCheck> checks,
            EntityManager entityManager,
            AnalysisConfig config,
            Event<Opened> opened) {
        this.opened = opened;
        this.checks = new Registry<>("gate kind", checks);
        this.entityManager = entityManager;
        this.lease = config.gates().lease();
        this.workers = new Semaphore(config.gates().workers());
    }

    /**
     * The outcomes of a window's gates, once all of them ended; until then empty, with the rows of
     * those not yet asked for created so a replica takes them. In the caller's transaction.
     */
    public Optional<List<GateOutcome>> windowOutcomes(
            AnalysedRollout rollout,
            long analysisSequence,
            int window,
            List<Gate> gates,
            GateTargets targets,
            Instant runsUntil) {
        List<GateOutcome> outcomes = new ArrayList<>();
        boolean ended = true;
        for (Gate gate : gates) {
            GateRun run = GateRun.open(rollout, analysisSequence, window, gate, targets, runsUntil);
            if (!run.state.ended()) {
                ended = false;
            } else {
                outcomes.add(new GateOutcome(gate, findingOf(run)));
            }
        }
        return ended ? Optional.of(outcomes) : Optional.empty();
    }

    /**
     * Starts the gates that run beside the whole analysis (load tests). In the caller's
     * transaction.
     */
    public void openBeside(
            AnalysedRollout rollout,
            long analysisSequence,
            List<Gate> gates,
            GateTargets targets,
            Instant runsUntil) {
        for (Gate gate : gates) {
            GateRun.open(rollout, analysisSequence, GateRun.BESIDE, gate, targets, runsUntil);
        }
        if (!gates.isEmpty()) {
            opened.fire(new Opened(rollout.rolloutId()));
        }
    }

    /**
     * Tells the onAbort gates of a rollout that ended: each is run once (taken over like any other
     * if its replica dies), and nothing waits on its answer. In the caller's transaction.
     */
    public void tell(
            AnalysedRollout rollout, long sequence, List<Gate> gates, GateTargets targets) {
        Instant until = Instant.now().plus(Duration.ofMinutes(5));
        for (Gate gate : gates) {
            GateRun.open(rollout, sequence, GateRun.TOLD, gate, targets, until);
        }
        if (!gates.isEmpty()) {
            opened.fire(new Opened(rollout.rolloutId()));
        }
    }

    /** What the gates running beside the analysis found so far. In the caller's transaction. */
    public List<GateOutcome> besideOutcomes(
            AnalysedRollout rollout, long analysisSequence, List<Gate> gates) {
        List<GateOutcome> outcomes = new ArrayList<>();
        for (GateRun run : GateRun.of(rollout.rolloutId(), analysisSequence, GateRun.BESIDE)) {
            gates.stream()
                    .filter(gate -> gate.name().equals(run.gateName))
                    .findFirst()
                    .ifPresent(
                            gate ->
                                    outcomes.add(
                                            new GateOutcome(
                                                    gate,
                                                    run.finding != null
                                                            ? run.finding
                                                            : notYet(gate))));
        }
        return outcomes;
    }

    private static Finding findingOf(GateRun run) {
        if (run.finding != null) {
            return run.finding;
        }
        return GateOutcome.finding(
                run.gateName,
                run.gate.kind(),
                null,
                null,
                false,
                "gate " + run.gateName + " " + run.state.name().toLowerCase(),
                Status.INCONCLUSIVE);
    }

    private static Finding notYet(Gate gate) {
        return GateOutcome.finding(
                gate.name(),
                gate.kind() + "-test",
                null,
                null,
                true,
                gate.kind() + " test " + gate.name() + " has not sent yet",
                Status.PASS);
    }

    /** Gates were opened in the current transaction. */
    record Opened(String rolloutId) {}

    /**
     * Once gates opened here are committed, this replica takes them at once, not at its next poll.
     */
    void takeOpened(@Observes(during = TransactionPhase.AFTER_SUCCESS) Opened opened) {
        takeFree();
    }

    /**
     * Takes the gates that are free (new, or their replica's lease ran out) and runs them; every
     * second, and as soon as this replica opened some.
     */
    @Scheduled(
            every = "${glide.analysis.gates.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void takeFree() {
        try {
            if (!running.isEmpty() && Instant.now().isAfter(renewed.plus(lease.dividedBy(3)))) {
                renew();
            }
            int free = workers.availablePermits();
            if (free == 0) {
                return;
            }
            List<GateRun> taken = QuarkusTransaction.requiringNew().call(() -> take(free));
            for (GateRun run : taken) {
                workers.acquireUninterruptibly();
                Held held = new Held(GateRun.keyOf(run));
                running.put(held.key, held);
                pool.execute(() -> execute(run, held));
            }
        } catch (RuntimeException e) {
            if (!DatabaseOutage.isOutage(e)) {
                throw e;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<GateRun> take(int limit) {
        entityManager
                .createNativeQuery(
                        "update gate_run g set state = 'CANCELLED', owner = null"
                                + " where g.state in ('PENDING', 'RUNNING') and g.lease_until <= now()"
                                + " and g.window_number <> "
                                + GateRun.TOLD
                                + " and not exists (select 1 from analysis_run r where r.rollout_id = g.rollout_id"
                                + " and r.analysis_sequence = g.analysis_sequence and r.state = 'ACTIVE')")
                .executeUpdate();
        List<GateRun> free =
                entityManager
                        .createNativeQuery(
                                "select * from gate_run where state in ('PENDING', 'RUNNING')"
                                        + " and lease_until <= now() order by lease_until"
                                        + " limit ?1 for update skip locked",
                                GateRun.class)
                        .setParameter(1, limit)
                        .getResultList();
        List<GateRun> taken = new ArrayList<>();
        for (GateRun run : free) {
            run.leaseUntil = Instant.now().plus(lease);
            if (owner.equals(run.owner) && running.containsKey(GateRun.keyOf(run))) {
                // still running here, its renewal late: kept, never started twice
                continue;
            }
            if (run.state == GateRun.State.RUNNING) {
                LOG.infof(
                        "[rollout %s] gate %s of analysis %d window %d: taken over from %s",
                        run.rolloutId, run.gateName, run.analysisSequence, run.window, run.owner);
            }
            run.state = GateRun.State.RUNNING;
            run.owner = owner;
            run.attempts++;
            taken.add(run);
        }
        entityManager.flush();
        free.forEach(entityManager::detach);
        return taken;
    }

    /** Renews this replica's leases; a gate whose analysis ended, or that another took, stops. */
    private void renew() {
        @SuppressWarnings("unchecked")
        List<Object[]> kept =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        entityManager
                                                .createNativeQuery(
                                                        "update gate_run g set lease_until = ?1"
                                                                + " where g.owner = ?2 and g.state = 'RUNNING'"
                                                                + " and (g.window_number = "
                                                                + GateRun.TOLD
                                                                + " or exists (select 1 from analysis_run r"
                                                                + " where r.rollout_id = g.rollout_id"
                                                                + " and r.analysis_sequence = g.analysis_sequence"
                                                                + " and r.state = 'ACTIVE'))"
                                                                + " returning g.rollout_id, g.analysis_sequence,"
                                                                + " g.gate_name, g.window_number")
                                                .setParameter(1, Instant.now().plus(lease))
                                                .setParameter(2, owner)
                                                .getResultList());
        renewed = Instant.now();
        Set<GateRun.Key> still = new HashSet<>();
        for (Object[] row : kept) {
            still.add(
                    GateRun.key(
                            (String) row[0],
                            ((Number) row[1]).longValue(),
                            (String) row[2],
                            ((Number) row[3]).intValue()));
        }
        running.forEach(
                (key, held) -> {
                    if (!still.contains(key)) {
                        held.lost = true;
                    }
                });
    }

    private void execute(GateRun run, Held held) {
        try {
            Optional<GateCheck> check = checks.find(run.gate.kind());
            Finding finding =
                    check.isPresent()
                            ? check.get().run(run, held)
                            : failure(run, checks.unknown(run.gate.kind()));
            if (finding == null || held.lost) {
                LOG.infof(
                        "[rollout %s] gate %s of analysis %d window %d: stopped (its analysis ended or"
                                + " another replica took it)",
                        run.rolloutId, run.gateName, run.analysisSequence, run.window);
                return;
            }
            end(held.key, finding);
            LOG.infof(
                    "[rollout %s] gate %s of analysis %d window %d: %s",
                    run.rolloutId,
                    run.gateName,
                    run.analysisSequence,
                    run.window,
                    finding.check().detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf(e, "[rollout %s] gate %s could not run", run.rolloutId, run.gateName);
            if (!DatabaseOutage.isOutage(e)) {
                end(held.key, failure(run, "the gate could not run: " + e));
            }
        } finally {
            running.remove(held.key);
            workers.release();
        }
    }

    private static Finding failure(GateRun run, String why) {
        return GateOutcome.finding(
                run.gateName,
                run.gate.kind(),
                null,
                null,
                false,
                "gate " + run.gateName + " (" + run.gate.phase() + ") failed: " + why,
                GateOutcome.failed(run.gate));
    }

    /** Ends the gate with its finding, if this replica still holds it. */
    private void end(GateRun.Key key, Finding finding) {
        DatabaseOutage.retry(
                "the end of gate " + key.gateName + " of rollout " + key.rolloutId,
                () ->
                        QuarkusTransaction.requiringNew()
                                .run(
                                        () -> {
                                            GateRun row =
                                                    entityManager.find(
                                                            GateRun.class,
                                                            key,
                                                            LockModeType.PESSIMISTIC_WRITE);
                                            if (row != null && owner.equals(row.owner)) {
                                                row.state =
                                                        finding.status() == Status.PASS
                                                                ? GateRun.State.PASSED
                                                                : GateRun.State.FAILED;
                                                row.finding = finding;
                                                row.owner = null;
                                            }
                                        }));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        pool.shutdownNow();
    }

    /** This replica's hold on one running gate. */
    private final class Held implements GateCheck.Lease {
        final GateRun.Key key;
        volatile boolean lost;

        Held(GateRun.Key key) {
            this.key = key;
        }

        @Override
        public boolean held() {
            return !lost;
        }

        @Override
        public void report(Finding progress) {
            try {
                QuarkusTransaction.requiringNew()
                        .run(
                                () -> {
                                    GateRun row = entityManager.find(GateRun.class, key);
                                    if (row != null && owner.equals(row.owner)) {
                                        row.finding = progress;
                                    } else {
                                        lost = true;
                                    }
                                });
            } catch (RuntimeException e) {
                if (!DatabaseOutage.isOutage(e)) {
                    throw e;
                }
            }
        }
    }
}
