package dev.glide.analysis.run;

import dev.glide.analysis.gate.GateRunner;
import dev.glide.analysis.run.AnalysisRun.State;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Gate;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutNews;
import dev.glide.contract.Topics;
import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Learns from the planner's events which rollouts are under analysis: an event carrying an analysis
 * starts it (from the moment the planner started it), and any later event of the rollout — it
 * paused, was aborted or moved on — ends the analyses still running for it. The event of an end
 * other than success may carry the rollout's onAbort gates, which are told. Redelivered events
 * change nothing.
 */
@ApplicationScoped
public class RolloutEventsConsumer {

    private static final Logger LOG = Logger.getLogger(RolloutEventsConsumer.class);

    private final EventCodec codec;
    private final AnalysisScheduler scheduler;

    private final GateRunner gates;

    RolloutEventsConsumer(EventCodec codec, AnalysisScheduler scheduler, GateRunner gates) {
        this.codec = codec;
        this.scheduler = scheduler;
        this.gates = gates;
    }

    @Incoming(Topics.ROLLOUT_EVENTS)
    @Blocking
    public void onEvent(String json) {
        // a release train's own news starts no analysis: its members' rollouts do
        if (!(RolloutNews.read(codec, json) instanceof RolloutEvent event)) {
            return;
        }
        DatabaseOutage.retry(
                "event " + event.sequence() + " of rollout " + event.rolloutId(),
                () -> QuarkusTransaction.requiringNew().run(() -> learn(event)));
    }

    private void learn(RolloutEvent event) {
        for (AnalysisRun run : AnalysisRun.activeOf(event.rolloutId())) {
            if (run.analysisSequence < event.sequence()) {
                run.state = State.CANCELLED;
                LOG.infof(
                        "[rollout %s] analysis %d ended: the rollout moved on (%s)",
                        run.rolloutId, run.analysisSequence, event.to());
            }
        }
        AnalysisRequest request = event.analysis();
        if (request == null) {
            return;
        }
        if (event.to().isFinal()) {
            // the rollout ended: its onAbort gates are told, and nothing waits on them
            gates.tell(
                    new AnalysedRollout(
                            event.rolloutId(),
                            event.service(),
                            event.stableVersion(),
                            event.canaryVersion()),
                    request.analysisSequence(),
                    request.gates().stream().filter(Gate::told).toList(),
                    request.targets());
            return;
        }
        var key = new AnalysisRun.Key();
        key.rolloutId = event.rolloutId();
        key.analysisSequence = request.analysisSequence();
        if (AnalysisRun.findById(key) != null) {
            return;
        }
        AnalysisRun run = new AnalysisRun();
        run.rolloutId = event.rolloutId();
        run.analysisSequence = request.analysisSequence();
        run.service = event.service();
        run.stableVersion = event.stableVersion();
        run.canaryVersion = event.canaryVersion();
        run.metrics = request.metrics();
        run.gates = new ArrayList<>(request.gates());
        run.targets = request.targets();
        run.experiment = request.experiment();
        run.intervalSeconds = request.intervalSeconds();
        run.count = request.count();
        // Windows start on a whole second, where the gateways' clock-aligned metrics windows end
        // too.
        Instant started = event.occurredAt() == null ? Instant.now() : event.occurredAt();
        run.startedAt =
                started.truncatedTo(ChronoUnit.SECONDS).equals(started)
                        ? started
                        : started.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        run.state = State.ACTIVE;
        run.dueAt = scheduler.dueAt(run, 1);
        run.persist();
        gates.openBeside(
                run.rollout(),
                run.analysisSequence,
                run.gates.stream().filter(AnalysisScheduler::beside).toList(),
                run.targets,
                run.endsAt());
        LOG.infof(
                "[rollout %s] analysis %d started: %d windows of %d s on %s, gates %s",
                run.rolloutId,
                run.analysisSequence,
                run.count,
                run.intervalSeconds,
                run.metrics,
                run.gates.stream().map(Gate::name).toList());
    }
}
