package dev.glide.planner.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glide.contract.EventCodec;
import dev.glide.contract.TrainMember;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutQueries.HistoryEntry;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads trains, their history and the fold of their log. */
@ApplicationScoped
public class TrainQueries {

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            EventCodec.defaultMapper();

    /**
     * The stored status beside the status folded from the logged inputs; {@code equal} is what
     * replay promises.
     */
    public record Fold(TrainStatus stored, TrainStatus folded, boolean equal, int inputs) {}

    private final TrainDriver driver;
    private final EventCodec codec;

    TrainQueries(TrainDriver driver, EventCodec codec) {
        this.driver = driver;
        this.codec = codec;
    }

    @Transactional
    public List<TrainView> list(int limit) {
        return Train.<Train>findAll(Sort.descending("createdAt")).page(0, limit).stream()
                .map(this::view)
                .toList();
    }

    @Transactional
    public TrainView get(String id) {
        return view(require(id));
    }

    @Transactional
    public List<HistoryEntry> history(String id) {
        require(id);
        return TrainLogEntry.<TrainLogEntry>list("trainId = ?1 order by sequence", id).stream()
                .map(
                        e ->
                                new HistoryEntry(
                                        e.sequence,
                                        e.type,
                                        e.cause,
                                        e.actor,
                                        e.occurredAt,
                                        e.publishedAt,
                                        json(e.payload)))
                .toList();
    }

    /** Folds the train's logged inputs through its state machine from the start. */
    @Transactional
    public Fold fold(String id) {
        Train train = require(id);
        TrainSpec spec = driver.spec(train);
        TrainMachine machine = new TrainMachine(spec.plan());
        TrainStatus folded = TrainStatus.initial(spec.plan());
        List<TrainLogEntry> inputs =
                TrainLogEntry.list(
                        "trainId = ?1 and type = ?2 order by sequence",
                        id,
                        TrainLogEntry.Type.INPUT.name());
        for (TrainLogEntry entry : inputs) {
            folded = machine.decide(folded, codec.decode(entry.payload, TrainInput.class)).status();
        }
        TrainStatus stored = driver.status(train);
        return new Fold(stored, folded, stored.equals(folded), inputs.size());
    }

    private Train require(String id) {
        Train train = Train.findById(id);
        if (train == null) {
            throw new UnknownTrainException(id);
        }
        return train;
    }

    private TrainView view(Train train) {
        TrainSpec spec = driver.spec(train);
        List<TrainMember> lines =
                TrainDriver.members(train.id, spec, spec.plan(), driver.status(train));
        List<TrainView.MemberView> members =
                lines.stream()
                        .map(
                                line -> {
                                    Rollout rollout =
                                            line.rolloutId() == null
                                                    ? null
                                                    : Rollout.findById(line.rolloutId());
                                    return new TrainView.MemberView(
                                            line.service(),
                                            line.version(),
                                            line.dependsOn(),
                                            line.state(),
                                            line.rolloutId(),
                                            rollout == null ? null : rollout.state.name(),
                                            rollout == null ? 0 : rollout.canaryWeight,
                                            rollout != null && rollout.reason != null
                                                    ? rollout.reason
                                                    : line.reason());
                                })
                        .toList();
        return new TrainView(
                train.id,
                train.name,
                train.environment,
                train.state.name(),
                train.phase.name(),
                train.reason,
                spec.team(),
                members,
                train.createdAt,
                train.updatedAt);
    }

    private static JsonNode json(String payload) {
        try {
            return MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
