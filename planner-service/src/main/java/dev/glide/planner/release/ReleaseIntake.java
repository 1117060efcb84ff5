package dev.glide.planner.release;

import dev.glide.contract.Backend;
import dev.glide.contract.Endpoints;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MalformedEventException;
import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import dev.glide.planner.rollout.MachineInput.Start;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.rollout.RolloutSpec;
import dev.glide.planner.rollout.RolloutStatus;
import dev.glide.planner.service.ReleasePolicy;
import dev.glide.planner.service.ServiceRegistry;
import dev.glide.planner.service.ServiceSpec;
import dev.glide.planner.strategy.StrategyPlanner;
import dev.glide.planner.strategy.StrategySpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns a release into a rollout of its service's strategy. The same event id or idempotency key
 * twice is one rollout. Never two rollouts move one service at once: under the {@code queue} policy
 * a release waits for the running rollout to end; under {@code supersede} the running one is
 * aborted first.
 */
@ApplicationScoped
public class ReleaseIntake {

    private static final Logger LOG = Logger.getLogger(ReleaseIntake.class);

    private final ServiceRegistry services;
    private final RolloutDriver driver;

    ReleaseIntake(ServiceRegistry services, RolloutDriver driver) {
        this.services = services;
        this.driver = driver;
    }

    /**
     * Starts (or queues) the rollout this release asks for, or returns the one it already started.
     */
    @Transactional
    public Rollout accept(ReleaseEvent release, String actor) {
        return accept(release, UUID.randomUUID().toString(), null, actor);
    }

    /**
     * Starts (or queues) the rollout of one member of release train {@code trainId}, under the id
     * the train gave it, in the train's transaction. Its plan ends in the train's gates.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollout acceptMember(
            ReleaseEvent release, String rolloutId, String trainId, String actor) {
        return accept(release, rolloutId, trainId, actor);
    }

    /**
     * The strategy a release is rolled out by: its own type when it names one, else its service's.
     */
    public StrategySpec strategyOf(ReleaseEvent release) {
        return strategyOf(release, services.require(release.service()));
    }

    private static StrategySpec strategyOf(ReleaseEvent release, ServiceSpec service) {
        return release.strategy() == null
                ? service.strategy()
                : override(release.strategy(), service);
    }

    /**
     * Why the gateway could not send this release's traffic to its endpoints, each problem under
     * {@code field}; empty when it could.
     */
    public List<String> endpointProblems(ReleaseEvent release, String field) {
        return endpointProblems(release, field, services.require(release.service()));
    }

    private static List<String> endpointProblems(
            ReleaseEvent release, String field, ServiceSpec service) {
        return Endpoints.problems(field, release.endpoints(), service.gateway().schemes());
    }

    /**
     * Why this release's variants do not fit its strategy: variants only for an experiment, each
     * with endpoints the gateway can reach, every version distinct and none the stable one (the
     * control), a share for each, and a gateway that can hold arms; empty when they fit.
     */
    private static List<String> variantProblems(
            ReleaseEvent release, ServiceSpec service, StrategySpec strategy) {
        List<String> problems = new ArrayList<>();
        boolean experiment = strategy.type() == StrategySpec.Type.experiment;
        if (!experiment) {
            if (!release.variants().isEmpty()) {
                problems.add(
                        "variants: only an experiment takes variants (the strategy is "
                                + strategy.type()
                                + ")");
            }
            return problems;
        }
        GatewayBinding.Adapter.named(service.gateway().adapter())
                .flatMap(GatewayBinding.Adapter::refusesExperiments)
                .ifPresent(why -> problems.add("strategy: " + why));
        Set<String> versions = new HashSet<>();
        List<Backend> all = release.versions();
        for (int i = 0; i < all.size(); i++) {
            String field = i == 0 ? "version" : "variants[" + (i - 1) + "].version";
            String version = all.get(i).version();
            if (version.equals(service.stable().version())) {
                problems.add(
                        field
                                + ": '"
                                + version
                                + "' is the stable version, the experiment's control; a variant must be another");
            } else if (!versions.add(version)) {
                problems.add(field + ": '" + version + "' is named twice");
            }
            if (i > 0) {
                problems.addAll(
                        Endpoints.problems(
                                "variants[" + (i - 1) + "].endpoints",
                                all.get(i).endpoints(),
                                service.gateway().schemes()));
            }
        }
        List<Double> shares = strategy.experiment() == null ? null : strategy.experiment().shares();
        if (shares != null && shares.size() != all.size()) {
            problems.add(
                    "experiment.shares: "
                            + shares.size()
                            + " shares for "
                            + all.size()
                            + " variants (the release's version and its variants, in order)");
        }
        return problems;
    }

    private Rollout accept(ReleaseEvent release, String rolloutId, String trainId, String actor) {
        ServiceSpec service = services.require(release.service());
        StrategySpec strategy = strategyOf(release, service);
        List<String> problems = new ArrayList<>(endpointProblems(release, "endpoints", service));
        problems.addAll(variantProblems(release, service, strategy));
        if (!problems.isEmpty()) {
            throw new MalformedEventException("ReleaseEvent", problems);
        }
        Rollout.lockService(release.service());
        String key = releaseKey(release.idempotencyKey(), release.eventId());
        if (key != null) {
            var existing = Rollout.findByReleaseKey(key);
            if (existing.isPresent()) {
                LOG.infof(
                        "[rollout %s] release %s of %s already accepted; not starting another",
                        existing.get().id, key, release.service());
                return existing.get();
            }
        }
        if (trainId == null) {
            StrategyPlanner.plan(strategy, release.versions().size());
        } else {
            StrategyPlanner.planForTrain(strategy);
        }
        List<Rollout> running = Rollout.unfinishedOf(release.service());

        Instant now = Instant.now();
        Rollout rollout = new Rollout();
        rollout.id = rolloutId;
        rollout.service = release.service();
        rollout.environment = release.environment();
        rollout.stableVersion = service.stable().version();
        rollout.canaryVersion = release.version();
        rollout.strategy = strategy.type().name();
        rollout.state = RolloutState.PENDING;
        rollout.releaseKey = key;
        rollout.trainId = trainId;
        rollout.release = release;
        rollout.spec =
                new RolloutSpec(
                        release,
                        service.gateway(),
                        service.stable(),
                        strategy,
                        service.team(),
                        trainId);
        rollout.status = RolloutStatus.initial();
        rollout.createdAt = now;
        rollout.updatedAt = now;
        rollout.persist();
        Rollout.flush();

        if (running.isEmpty()) {
            driver.apply(rollout, new Start(), "release " + release.version(), actor);
        } else if (service.releasePolicy() == ReleasePolicy.supersede) {
            for (Rollout old : running) {
                String why =
                        "superseded by release "
                                + release.version()
                                + " (rollout "
                                + rollout.id
                                + ")";
                driver.apply(
                        driver.lock(old.id),
                        new CommandReceived(RolloutCommand.Type.ABORT, "glide", why),
                        why,
                        "glide");
            }
        }
        LOG.infof(
                "[rollout %s] %s for %s %s in %s (%s)%s",
                rollout.id,
                rollout.state == RolloutState.PENDING ? "queued" : "started",
                release.service(),
                release.version(),
                release.environment(),
                strategy.type(),
                trainId == null ? "" : " as a member of train " + trainId);
        return rollout;
    }

    /**
     * When a rollout ends: if it succeeded, its version becomes the service's stable one; then the
     * oldest release waiting for the service starts, from the stable version as it is now (not as
     * it was when it queued).
     */
    void startNext(@Observes RolloutDriver.Ended ended) {
        if (ended.state() == RolloutState.SUCCEEDED) {
            services.promote(ended.service(), ended.canary());
        }
        List<Rollout> unfinished = Rollout.unfinishedOf(ended.service());
        boolean busy = unfinished.stream().anyMatch(r -> r.state != RolloutState.PENDING);
        if (busy) {
            return;
        }
        unfinished.stream()
                .findFirst()
                .ifPresent(
                        next -> {
                            Rollout locked = driver.lock(next.id);
                            RolloutSpec queued = driver.spec(locked);
                            Backend stable = services.require(locked.service).stable();
                            locked.spec = queued.from(stable);
                            locked.stableVersion = stable.version();
                            driver.apply(
                                    locked,
                                    new Start(),
                                    "rollout " + ended.rolloutId() + " ended " + ended.state(),
                                    null);
                        });
    }

    /**
     * A release may name another strategy type for itself; the service's own settings are kept
     * where they fit.
     */
    private static StrategySpec override(String type, ServiceSpec service) {
        StrategySpec.Type wanted;
        try {
            wanted = StrategySpec.Type.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(
                    "ReleaseEvent",
                    List.of(
                            "strategy: '"
                                    + type
                                    + "' is not one of "
                                    + Arrays.toString(StrategySpec.Type.values())));
        }
        StrategySpec own = service.strategy();
        if (own.type() == wanted) {
            return own;
        }
        return new StrategySpec(wanted, null, null, null, null);
    }

    /**
     * What makes two releases one: the idempotency key where given, else the event id; null when
     * neither is.
     */
    public static String releaseKey(String idempotencyKey, String eventId) {
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            return "key:" + idempotencyKey;
        }
        return eventId == null || eventId.isBlank() ? null : "event:" + eventId;
    }
}
