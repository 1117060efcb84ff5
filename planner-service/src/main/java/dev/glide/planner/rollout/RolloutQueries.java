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

/** Reads rollouts, their history and the fold of their log. */
@ApplicationScoped
public class RolloutQueries {

    /** One log entry as the API shows it. */
    public record HistoryEntry(long sequence, String type, String cause, String actor, Instant occurredAt,
            Instant publishedAt, JsonNode payload) {
    }

    /** The stored status beside the status folded from the logged inputs; {@code equal} is what replay promises. */
    public record Fold(RolloutStatus stored, RolloutStatus folded, boolean equal, int inputs) {
    }

    private final RolloutDriver driver;
    private final EventCodec codec;
    private final ObjectMapper mapper = EventCodec.defaultMapper();

    RolloutQueries(RolloutDriver driver, EventCodec codec) {
        this.driver = driver;
        this.codec = codec;
    }

    @Transactional
    public List<RolloutView> list(String service, RolloutState state) {
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
        return Rollout.<Rollout>find(query.toString(), Sort.descending("createdAt"), parameters).list().stream()
                .map(this::view).toList();
    }

    @Transactional
    public RolloutView get(String id) {
        return view(require(id));
    }

    @Transactional
    public List<HistoryEntry> history(String id) {
        require(id);
        return RolloutLogEntry.<RolloutLogEntry>list("rolloutId = ?1 order by sequence", id).stream()
                .map(e -> new HistoryEntry(e.sequence, e.type, e.cause, e.actor, e.occurredAt, e.publishedAt, json(e.payload)))
                .toList();
    }

    /** Folds the rollout's logged inputs through its state machine from the start. */
    @Transactional
    public Fold fold(String id) {
        Rollout rollout = require(id);
        RolloutMachine machine = driver.machine(driver.spec(rollout));
        RolloutStatus folded = RolloutStatus.initial();
        List<RolloutLogEntry> inputs = RolloutLogEntry.list("rolloutId = ?1 and type = ?2 order by sequence", id,
                RolloutLogEntry.Type.INPUT.name());
        for (RolloutLogEntry entry : inputs) {
            folded = machine.decide(folded, codec.decode(entry.payload, MachineInput.class)).status();
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
        int stepCount = driver.machine(driver.spec(rollout)).plan().size();
        return new RolloutView(rollout.id, rollout.service, rollout.environment, rollout.strategy, rollout.state.name(),
                Math.min(rollout.stepIndex + 1, stepCount), stepCount, rollout.canaryWeight, rollout.stableVersion,
                rollout.canaryVersion, rollout.reason, rollout.createdAt, rollout.updatedAt);
    }

    private JsonNode json(String payload) {
        try {
            return mapper.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
