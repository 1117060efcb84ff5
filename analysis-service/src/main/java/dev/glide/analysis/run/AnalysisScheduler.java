package dev.glide.analysis.run;

import dev.glide.analysis.experiment.ExperimentJudge;
import dev.glide.analysis.gate.GateOutcome;
import dev.glide.analysis.gate.GateRunner;
import dev.glide.analysis.judge.AnalysisConfig;
import dev.glide.analysis.judge.AnalysisEngine;
import dev.glide.analysis.judge.AnalysisEngine.WindowJudgement;
import dev.glide.analysis.judge.Criteria;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.analysis.metrics.MetricsConsumer;
import dev.glide.analysis.run.AnalysisRun.State;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.analysis.source.MetricsSource;
import dev.glide.analysis.source.MetricsSources;
import dev.glide.analysis.source.SourceException;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.Topics;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.kafka.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Judges every analysis when its next window is due (the window's end plus a grace for the last
 * metrics to arrive): collects windows 1..k from the service's metrics source, judges them with the
 * {@link AnalysisEngine} (the same code as the offline judge) and publishes the verdict for window
 * k. Rows are taken with {@code FOR UPDATE SKIP LOCKED}, so several replicas share the work and
 * none judges a window twice.
 */
@ApplicationScoped
public class AnalysisScheduler {

    private static final Logger LOG = Logger.getLogger(AnalysisScheduler.class);

    /** How soon a window whose gates still run is looked at again. */
    private static final Duration GATE_POLL = Duration.ofMillis(250);

    private final AnalysisEngine engine;
    private final AnalysisConfig config;
    private final MetricsSources sources;
    private final EntityManager entityManager;
    private final EventPublisher verdicts;
    private final Event<JudgeNow> judgeNow;

    /**
     * While the database was down, metrics waited in Kafka; once it is back, the windows that fell
     * due meanwhile give them {@code max-metrics-delay} from then, not from their end, to be
     * stored.
     */
    private volatile boolean databaseDown;

    private volatile Instant databaseBack = Instant.EPOCH;

    /** Some analysis of this rollout became due in the current transaction. */
    record JudgeNow(String rolloutId) {}

    private final MeterRegistry registry;
    private final GateRunner gates;
    private final ExperimentJudge experiments;

    AnalysisScheduler(
            AnalysisEngine engine,
            AnalysisConfig config,
            MetricsSources sources,
            EntityManager entityManager,
            EventCodec codec,
            @Channel(Topics.ANALYSIS_VERDICTS) Emitter<String> emitter,
            Event<JudgeNow> judgeNow,
            MeterRegistry registry,
            GateRunner gates,
            ExperimentJudge experiments) {
        this.experiments = experiments;
        this.registry = registry;
        this.gates = gates;
        this.engine = engine;
        this.config = config;
        this.sources = sources;
        this.entityManager = entityManager;
        this.verdicts = new EventPublisher(emitter, codec);
        this.judgeNow = judgeNow;
    }

    Instant dueAt(AnalysisRun run, int window) {
        return run.windowStart(window + 1).plus(config.grace());
    }

    /**
     * A metrics window of the rollout ending at {@code metricsEnd} arrived: every analysis whose
     * next window it completes is due now. True when one was.
     */
    boolean markCompleted(String rolloutId, Instant metricsEnd) {
        boolean due = false;
        for (AnalysisRun run : AnalysisRun.activeOf(rolloutId)) {
            if (!run.windowStart(run.windowsJudged + 2).isAfter(metricsEnd)
                    && run.dueAt.isAfter(Instant.now())) {
                run.dueAt = Instant.now();
                due = true;
            }
        }
        return due;
    }

    /** A window was stored: the analyses it completes are due now rather than after their grace. */
    void onWindowStored(@Observes MetricsConsumer.WindowStored stored) {
        if (markCompleted(stored.rolloutId(), stored.windowEnd())) {
            judgeNow.fire(new JudgeNow(stored.rolloutId()));
        }
    }

    /** Once the window that made an analysis due is committed, it is judged at once. */
    void judgeAfterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) JudgeNow due) {
        judgeDue();
    }

    @Scheduled(
            every = "${glide.analysis.poll-interval:250ms}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void judgeDue() {
        boolean more = true;
        while (more) {
            try {
                more = QuarkusTransaction.requiringNew().call(this::judgeOneDue);
            } catch (RuntimeException e) {
                if (!DatabaseOutage.isOutage(e)) {
                    throw e;
                }
                if (!databaseDown) {
                    LOG.warnf("the database is unreachable: no window is judged until it is back");
                }
                databaseDown = true;
                return;
            }
        }
    }

    /** Judges the most overdue window, if one is due; true when it did (there may be more). */
    boolean judgeOneDue() {
        @SuppressWarnings("unchecked")
        List<AnalysisRun> due =
                entityManager
                        .createNativeQuery(
                                "select * from analysis_run where state = 'ACTIVE' and due_at <= now() order by due_at limit 1 for update skip locked",
                                AnalysisRun.class)
                        .getResultList();
        if (due.isEmpty()) {
            return false;
        }
        if (databaseDown) {
            databaseDown = false;
            databaseBack = Instant.now();
        }
        AnalysisRun run = due.get(0);
        int k = run.windowsJudged + 1;
        Instant windowEnd = run.windowStart(k + 1);
        if (!run.metrics.isEmpty() && metricsLate(run, windowEnd)) {
            // the window's last metrics are not in yet: judging now would call a healthy canary
            // inconclusive
            run.dueAt = Instant.now().plus(config.grace());
            return true;
        }
        Optional<List<GateOutcome>> gated = gatesOf(run, k);
        if (gated.isEmpty()) {
            // a gate of this window still runs: look again shortly
            run.dueAt = Instant.now().plus(GATE_POLL);
            return true;
        }
        AnalysisVerdict verdict = judge(run, k, gated.get());
        verdicts.publish(verdict);
        registry.counter("glide.analysis.verdicts", "verdict", verdict.verdict().name())
                .increment();
        run.windowsJudged = k;
        run.dueAt = dueAt(run, k + 1);
        if (k >= run.count) {
            run.state = State.DONE;
        }
        return true;
    }

    private boolean metricsLate(AnalysisRun run, Instant windowEnd) {
        Instant waitFrom = windowEnd.isAfter(databaseBack) ? windowEnd : databaseBack;
        if (!Instant.now().isBefore(waitFrom.plus(config.maxMetricsDelay()))) {
            return false;
        }
        try {
            return !sources.forService(run.service).heardUntil(run.rollout(), windowEnd);
        } catch (SourceException | RuntimeException e) {
            return false; // judging says what is wrong with the source
        }
    }

    /**
     * The outcomes of window k's gates once they all ended (webhooks and smoke tests run for the
     * window, load tests beside the whole analysis), empty while one still runs.
     */
    private Optional<List<GateOutcome>> gatesOf(AnalysisRun run, int k) {
        if (run.gates.isEmpty()) {
            return Optional.of(List.of());
        }
        List<Gate> forWindow = run.gates.stream().filter(g -> !beside(g)).toList();
        List<Gate> besides = run.gates.stream().filter(AnalysisScheduler::beside).toList();
        Optional<List<GateOutcome>> window =
                gates.windowOutcomes(
                        run.rollout(),
                        run.analysisSequence,
                        k,
                        forWindow,
                        run.targets,
                        run.endsAt());
        if (window.isEmpty()) {
            return window;
        }
        List<GateOutcome> all = new ArrayList<>(window.get());
        all.addAll(gates.besideOutcomes(run.rollout(), run.analysisSequence, besides));
        return Optional.of(all);
    }

    /** A gate that runs beside the whole analysis rather than once a window: a load test. */
    static boolean beside(Gate gate) {
        return gate.test() != null && gate.test().isLoad();
    }

    private AnalysisVerdict judge(AnalysisRun run, int k, List<GateOutcome> gated) {
        AnalysisVerdict verdict = judgeMetrics(run, k);
        return gated.isEmpty() ? verdict : withGates(run, k, verdict, gated);
    }

    /**
     * A window's verdict with its gates' outcomes: a failed gate that aborts makes it FAIL, one
     * that pauses makes a passing verdict INCONCLUSIVE; an analysis of gates alone is what its
     * gates say.
     */
    private AnalysisVerdict withGates(
            AnalysisRun run, int k, AnalysisVerdict metrics, List<GateOutcome> gated) {
        List<AnalysisVerdict.Check> checks = new ArrayList<>(metrics.checks());
        gated.forEach(outcome -> checks.add(outcome.finding().check()));
        Optional<GateOutcome> aborting =
                gated.stream().filter(o -> !o.passed() && !o.gate().pausesOnFailure()).findFirst();
        Optional<GateOutcome> pausing =
                gated.stream().filter(o -> !o.passed() && o.gate().pausesOnFailure()).findFirst();
        Verdict verdict = metrics.verdict();
        String summary = metrics.summary();
        int score = metrics.score();
        if (aborting.isPresent()) {
            verdict = Verdict.FAIL;
            summary = aborting.get().finding().check().detail();
            score = Math.min(score, 25);
        } else if (verdict != Verdict.FAIL && pausing.isPresent()) {
            verdict = Verdict.INCONCLUSIVE;
            summary = pausing.get().finding().check().detail();
            score = 50;
        } else if (run.metrics.isEmpty()) {
            summary =
                    gated.size() == 1
                            ? gated.get(0).finding().check().detail()
                            : "all " + gated.size() + " gates passed";
        }
        LOG.infof(
                "[rollout %s] analysis %d window %d gates: %s",
                run.rolloutId, run.analysisSequence, k, summary);
        return verdict(run, k, verdict, score, checks, summary);
    }

    /**
     * An experiment's window: its guardrails and goal ({@link ExperimentJudge}). The variants that
     * failed now join the run's stopped ones; a decision (a winner, every variant failed, the last
     * window) ends the run.
     */
    private AnalysisVerdict judgeExperiment(AnalysisRun run, int k) throws SourceException {
        ExperimentJudge.Judgement judgement =
                experiments.judge(
                        run.rollout(),
                        run.experiment,
                        run.startedAt,
                        run.interval(),
                        k,
                        run.count,
                        config.criteria(run.metrics));
        run.experiment = judgement.design();
        if (judgement.decided()) {
            run.state = State.DONE;
        }
        LOG.infof(
                "[rollout %s] experiment %d window %d of %d: %s: %s",
                run.rolloutId,
                run.analysisSequence,
                k,
                run.count,
                judgement.verdict(),
                judgement.summary());
        return new AnalysisVerdict(
                AnalysisVerdict.SCHEMA_VERSION,
                run.rolloutId,
                run.analysisSequence,
                k,
                judgement.verdict(),
                judgement.score(),
                List.of(),
                judgement.summary(),
                Instant.now(),
                judgement.findings());
    }

    private AnalysisVerdict judgeMetrics(AnalysisRun run, int k) {
        if (run.metrics.isEmpty() && run.experiment == null) {
            return verdict(run, k, Verdict.PASS, 100, List.of(), "no metrics: gates only");
        }
        AnalysedRollout rollout = run.rollout();
        Criteria criteria = config.criteria(run.metrics);
        WindowJudgement judgement;
        try {
            if (run.experiment != null) {
                return judgeExperiment(run, k);
            }
            MetricsSource source = sources.forService(run.service);
            List<WindowPair> windows = new ArrayList<>();
            for (int i = 1; i <= k; i++) {
                windows.add(source.collect(rollout, run.windowStart(i), run.windowStart(i + 1)));
            }
            judgement = engine.judgeWindow(windows, run.count, criteria, run.thresholdFailures);
            run.thresholdFailures = judgement.thresholdFailures();
        } catch (SourceException e) {
            LOG.warnf(
                    "[rollout %s] analysis %d window %d: %s",
                    run.rolloutId, run.analysisSequence, k, e.getMessage());
            return verdict(
                    run,
                    k,
                    Verdict.INCONCLUSIVE,
                    50,
                    List.of(),
                    "metrics unavailable: " + e.getMessage());
        }
        LOG.infof(
                "[rollout %s] analysis %d window %d of %d: %s (score %d): %s",
                run.rolloutId,
                run.analysisSequence,
                k,
                run.count,
                judgement.verdict(),
                judgement.score(),
                judgement.summary());
        return verdict(
                run,
                k,
                judgement.verdict(),
                judgement.score(),
                judgement.checks(),
                judgement.summary());
    }

    private static AnalysisVerdict verdict(
            AnalysisRun run,
            int k,
            Verdict verdict,
            int score,
            List<AnalysisVerdict.Check> checks,
            String summary) {
        return new AnalysisVerdict(
                AnalysisVerdict.SCHEMA_VERSION,
                run.rolloutId,
                run.analysisSequence,
                k,
                verdict,
                score,
                checks,
                summary,
                Instant.now());
    }
}
