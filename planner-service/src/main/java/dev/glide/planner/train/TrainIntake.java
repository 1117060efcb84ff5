package dev.glide.planner.train;

import dev.glide.contract.MalformedEventException;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.contract.TrainRelease;
import dev.glide.planner.release.ReleaseIntake;
import dev.glide.planner.service.ServiceRegistry;
import dev.glide.planner.strategy.StrategyPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns a train release into a train and starts it. Everything is checked first (the dependencies,
 * every member's service and strategy), so a bad train is refused whole, naming each problem, and
 * nothing starts. The same event id or idempotency key twice is one train.
 */
@ApplicationScoped
public class TrainIntake {

    private static final Logger LOG = Logger.getLogger(TrainIntake.class);

    private final ServiceRegistry services;
    private final ReleaseIntake releases;
    private final TrainDriver driver;

    TrainIntake(ServiceRegistry services, ReleaseIntake releases, TrainDriver driver) {
        this.services = services;
        this.releases = releases;
        this.driver = driver;
    }

    @Transactional
    public Train accept(TrainRelease release, String actor) {
        String key = ReleaseIntake.releaseKey(release.idempotencyKey(), release.eventId());
        if (key != null) {
            Train.getEntityManager()
                    .createNativeQuery(
                            "select count(*) from (select pg_advisory_xact_lock(hashtext(?1))) l")
                    .setParameter(1, "glide-train:" + key)
                    .getSingleResult();
            var existing = Train.findByReleaseKey(key);
            if (existing.isPresent()) {
                LOG.infof(
                        "[train %s] release %s already accepted; not starting another",
                        existing.get().id, key);
                return existing.get();
            }
        }
        TrainPlan.of(release);
        Map<String, String> teams = new LinkedHashMap<>();
        String trainId = RolloutCommand.TRAIN_PREFIX + UUID.randomUUID();
        TrainSpec spec = new TrainSpec(release, Map.of());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < release.members().size(); i++) {
            String service = release.members().get(i).service();
            services.require(service);
            problems.addAll(
                    releases.endpointProblems(
                            spec.releaseOf(trainId, service), "members[" + i + "].endpoints"));
        }
        if (!problems.isEmpty()) {
            throw new MalformedEventException("TrainRelease", problems);
        }
        for (TrainRelease.Member member : release.members()) {
            teams.put(member.service(), services.require(member.service()).team());
            StrategyPlanner.planForTrain(
                    releases.strategyOf(spec.releaseOf(trainId, member.service())));
        }
        spec = new TrainSpec(release, teams);

        Instant now = Instant.now();
        Train train = new Train();
        train.id = trainId;
        train.name = release.name();
        train.environment = release.environment();
        train.state = RolloutState.PENDING;
        train.phase = TrainStatus.Phase.CANARY;
        train.spec = spec;
        train.status = TrainStatus.initial(spec.plan());
        train.releaseKey = key;
        train.createdAt = now;
        train.updatedAt = now;
        train.persist();
        Train.flush();
        driver.apply(train, new TrainInput.Start(), "train " + release.name() + " released", actor);
        LOG.infof(
                "[train %s] %s released: %s",
                train.id, release.name(), String.join(", ", teams.keySet()));
        return train;
    }
}
