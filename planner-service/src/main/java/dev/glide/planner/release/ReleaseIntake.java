package dev.glide.planner.release;

import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutLog;
import dev.glide.planner.rollout.RolloutLogEntry.Type;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns a release into a rollout and its first step. The same event id or idempotency key twice is one rollout.
 *
 * <p>Foundation scope: every release starts a canary with the default first step (5 %) on the dry-run gateway;
 * service registrations, strategies and the state machine decide this once the planner issue lands.
 */
@ApplicationScoped
public class ReleaseIntake {

    private static final Logger LOG = Logger.getLogger(ReleaseIntake.class);
    static final double FIRST_CANARY_PERCENT = 5;

    private final RolloutLog log;
    private final EventCodec codec;

    ReleaseIntake(RolloutLog log, EventCodec codec) {
        this.log = log;
        this.codec = codec;
    }

    /** Starts the rollout this release asks for, or returns the one it already started. */
    @Transactional
    public Rollout accept(ReleaseEvent release) {
        String key = releaseKey(release);
        if (key != null) {
            var existing = Rollout.findByReleaseKey(key);
            if (existing.isPresent()) {
                LOG.infof("[rollout %s] release %s of %s already accepted; not starting another",
                        existing.get().id, key, release.service());
                return existing.get();
            }
        }
        Instant now = Instant.now();
        Rollout rollout = new Rollout();
        rollout.id = UUID.randomUUID().toString();
        rollout.service = release.service();
        rollout.environment = release.environment();
        rollout.canaryVersion = release.version();
        rollout.strategy = release.strategy() != null ? release.strategy() : "canary";
        rollout.state = RolloutState.PENDING;
        rollout.releaseKey = key;
        rollout.release = codec.encode(release);
        rollout.createdAt = now;
        rollout.updatedAt = now;
        rollout.persist();

        log.append(rollout, Type.TRANSITION, Topics.ROLLOUT_EVENTS, transition(rollout, null, now), "release", null);
        rollout.canaryWeight = FIRST_CANARY_PERCENT;
        log.append(rollout, Type.STEP, Topics.ROLLOUT_STEPS, firstStep(rollout, release, now), "release", null);
        LOG.infof("[rollout %s] started for %s %s in %s", rollout.id, release.service(), release.version(), release.environment());
        return rollout;
    }

    private static String releaseKey(ReleaseEvent release) {
        if (release.idempotencyKey() != null && !release.idempotencyKey().isBlank()) {
            return "key:" + release.idempotencyKey();
        }
        return release.eventId() == null || release.eventId().isBlank() ? null : "event:" + release.eventId();
    }

    private RolloutStep firstStep(Rollout rollout, ReleaseEvent release, Instant now) {
        return new RolloutStep(RolloutStep.SCHEMA_VERSION, rollout.id, log.nextSequence(rollout), rollout.service,
                rollout.environment, new Backend(rollout.stableVersion == null ? "stable" : rollout.stableVersion, List.of()),
                new Backend(release.version(), release.endpoints()), Weights.canaryPercent(rollout.canaryWeight),
                List.of(), new GatewayBinding("noop", rollout.service, null, null), now);
    }

    private RolloutEvent transition(Rollout rollout, RolloutState from, Instant now) {
        return new RolloutEvent(RolloutEvent.SCHEMA_VERSION, rollout.id, log.nextSequence(rollout), rollout.service,
                rollout.environment, rollout.strategy, rollout.stableVersion, rollout.canaryVersion, from, rollout.state,
                rollout.stepIndex, 1, Weights.canaryPercent(rollout.canaryWeight), "release", null, now);
    }
}
