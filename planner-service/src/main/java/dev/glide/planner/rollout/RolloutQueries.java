package dev.glide.planner.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutState;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads rollouts, their history and the fold of their log. */
@ApplicationScoped
public class RolloutQueries {

    /** One log entry as the API shows it. */
    public record HistoryEntry(
            long sequence,
            String type,
            String cause,
            String actor,
            Instant occurredAt,
            Instant publishedAt,
            JsonNode payload) {}

    /** A rollout as it is now, with the log entries a watcher has not seen yet. */
    public record Update(RolloutView rollout, List<HistoryEntry> entries) {}

    /**
     * The stored status beside the status folded from the logged inputs; {@code equal} is what
     * replay promises.
     */
    public record Fold(RolloutStatus stored, RolloutStatus folded, boolean equal, int inputs) {}

    private final RolloutDriver driver;
    private final EventCodec codec;
    private final ObjectMapper mapper = EventCodec.defaultMapper();

    RolloutQueries(RolloutDriver driver, EventCodec codec) {
        this.driver = driver;
        this.codec = codec;
    }

    /** Rollouts, newest first: of one service, team or state where given, at most {@code limit}. */
    @Transactional
    public List<RolloutView> list(String service, String team, RolloutState state, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (service != null) {
            query.append(" and service = :service");
            parameters.and("service", service);
        }
        if (state != null) {
            query.append(" and state = :state");
            parameters.and("state", state);
        }
        // the team lives in the rollout's spec; a team's rollouts are a small share, read newest
        // first until enough
        return Rollout.<Rollout>find(query.toString(), Sort.descending("createdAt"), parameters)
                .stream()
                .map(this::view)
                .filter(view -> team == null || team.equals(view.team()))
                .limit(limit)
                .toList();
    }

    /**
     * The rollout and its log entries after {@code afterSequence}, what a live view has not seen
     * yet; empty when nothing was logged since, unless {@code always}. Every change of a rollout is
     * logged with it (an ignored input changes nothing), so the rollout is only read when there is
     * something new; a queued rollout has no entries yet, which is why a view's first look asks for
     * it {@code always}.
     */
    @Transactional
    public Optional<Update> since(String id, long afterSequence, boolean always) {
        List<HistoryEntry> entries =
                RolloutLogEntry.<RolloutLogEntry>list(
                                "rolloutId = ?1 and sequence > ?2 order by sequence",
                                id,
                                afterSequence)
                        .stream()
                        .map(this::entry)
                        .toList();
        return entries.isEmpty() && !always
                ? Optional.empty()
                : Optional.of(new Update(view(require(id)), entries));
    }

    @Transactional
    public RolloutView get(String id) {
        return view(require(id));
    }

    @Transactional
    public List<HistoryEntry> history(String id) {
        require(id);
        return RolloutLogEntry.<RolloutLogEntry>list("rolloutId = ?1 order by sequence", id)
                .stream()
                .map(this::entry)
                .toList();
    }

    private HistoryEntry entry(RolloutLogEntry e) {
        return new HistoryEntry(
                e.sequence, e.type, e.cause, e.actor, e.occurredAt, e.publishedAt, json(e.payload));
    }

    /** Folds the rollout's logged inputs through its state machine from the start. */
    @Transactional
    public Fold fold(String id) {
        Rollout rollout = require(id);
        RolloutMachine machine = driver.machine(driver.spec(rollout));
        RolloutStatus folded = RolloutStatus.initial();
        List<RolloutLogEntry> inputs =
                RolloutLogEntry.list(
                        "rolloutId = ?1 and type = ?2 order by sequence",
                        id,
                        RolloutLogEntry.Type.INPUT.name());
        for (RolloutLogEntry entry : inputs) {
            folded =
                    machine.decide(folded, codec.decode(entry.payload, MachineInput.class))
                            .status();
        }
        RolloutStatus stored = driver.status(rollout);
        return new Fold(stored, folded, stored.equals(folded), inputs.size());
    }

    private Rollout require(String id) {
        Rollout rollout = Rollout.findById(id);
        if (rollout == null) {
            throw new UnknownRolloutException(id);
        }
        return rollout;
    }

    private RolloutView view(Rollout rollout) {
        RolloutSpec spec = driver.spec(rollout);
        int stepCount = driver.machine(spec).plan().size();
        return new RolloutView(
                rollout.id,
                rollout.service,
                rollout.environment,
                rollout.strategy,
                rollout.state.name(),
                Math.min(rollout.stepIndex + 1, stepCount),
                stepCount,
                rollout.canaryWeight,
                rollout.stableVersion,
                rollout.canaryVersion,
                rollout.reason,
                rollout.createdAt,
                rollout.updatedAt,
                spec.team(),
                rollout.trainId);
    }

    private JsonNode json(String payload) {
        try {
            return mapper.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
