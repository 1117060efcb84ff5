package dev.glide.planner.train;

import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.SerialWorker;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import dev.glide.planner.train.TrainInput.MemberMoved;
import dev.glide.planner.train.TrainInput.Signal;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What trains hear from their members. A member's news is stored as a {@link TrainSignal} in the
 * member's own transaction (which never locks the train), then read in the train's: woken after
 * each commit that stored one, and by a timer for whatever a crash left behind. Each signal is
 * deleted in the transaction that applies it, so it acts once, also with several planners.
 */
@ApplicationScoped
public class TrainInbox {

    private static final Logger LOG = Logger.getLogger(TrainInbox.class);

    /** The most signals of one train applied in one transaction. */
    private static final int BATCH = 100;

    /** Fired when a signal was stored, so it is read once the member's transaction commits. */
    record Stored(String trainId) {}

    private final TrainDriver driver;
    private final EntityManager entityManager;
    private final Event<Stored> stored;
    private final SerialWorker worker = new SerialWorker("train-inbox", this::drain);

    TrainInbox(TrainDriver driver, EntityManager entityManager, Event<Stored> stored) {
        this.driver = driver;
        this.entityManager = entityManager;
        this.stored = stored;
    }

    /** A member moved: when it passed a gate or ended, its train must hear of it. */
    void onMemberMoved(@Observes RolloutDriver.MemberMoved moved) {
        Signal signal;
        if (moved.state().isFinal()) {
            signal = Signal.ENDED;
        } else if (moved.state() == RolloutState.PROGRESSING
                && moved.step() instanceof AwaitTrain gate) {
            signal = gate.gate() == AwaitTrain.Gate.CUTOVER ? Signal.GATES_PASSED : Signal.CUT_OVER;
        } else {
            return;
        }
        TrainSignal row = new TrainSignal();
        row.trainId = moved.trainId();
        row.payload =
                new MemberMoved(
                        moved.service(),
                        signal,
                        moved.state(),
                        moved.canaryPercent(),
                        moved.reason());
        row.createdAt = Instant.now();
        row.persist();
        stored.fire(new Stored(moved.trainId()));
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Stored signal) {
        worker.wake();
    }

    @Scheduled(
            every = "${glide.timers.poll-interval}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        worker.wake();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        worker.stop();
    }

    private void drain() {
        boolean any = true;
        while (any) {
            any = false;
            List<String> trains =
                    QuarkusTransaction.requiringNew()
                            .call(
                                    () ->
                                            entityManager
                                                    .createQuery(
                                                            "select distinct s.trainId from TrainSignal s",
                                                            String.class)
                                                    .setMaxResults(100)
                                                    .getResultList());
            for (String trainId : trains) {
                try {
                    while (applyNextSignals(trainId)) {
                        any = true;
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "[train %s] its members' news could not be applied now (%s); retried shortly",
                            trainId, e.getMessage());
                }
            }
        }
    }

    /**
     * Applies the oldest signals of one train (up to {@link #BATCH}), in order, in one transaction
     * under the train's lock; false when there were none. A level of 200 members moving at once
     * sends 200 signals: one transaction reads and writes the train's status once for all of them.
     */
    private boolean applyNextSignals(String trainId) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () -> {
                            Train train = driver.lock(trainId);
                            List<TrainSignal> signals =
                                    TrainSignal.<TrainSignal>find(
                                                    "trainId = ?1 order by id", trainId)
                                            .page(0, BATCH)
                                            .list();
                            for (int i = 0; i < signals.size(); i++) {
                                TrainSignal signal = signals.get(i);
                                train.holdNews = i < signals.size() - 1;
                                signal.delete();
                                MemberMoved moved = signal.payload;
                                driver.apply(
                                        train,
                                        moved,
                                        moved.service()
                                                + ": "
                                                + moved.signal()
                                                        .name()
                                                        .toLowerCase()
                                                        .replace('_', ' '),
                                        null);
                            }
                            train.holdNews = false;
                            return !signals.isEmpty();
                        });
    }
}
