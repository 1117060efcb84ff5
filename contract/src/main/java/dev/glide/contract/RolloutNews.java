package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What {@link Topics#ROLLOUT_EVENTS} carries: a rollout's event or a release train's, told apart by
 * {@code kind}. Records of schema version 1 have no {@code kind}: there a train's event was a
 * {@link RolloutEvent} with {@code members}, and {@link #read} turns it into a {@link TrainEvent}.
 */
public sealed interface RolloutNews extends KeyedEvent permits RolloutEvent, TrainEvent {

    String ROLLOUT = "rollout";
    String TRAIN = "train";

    /** {@value #ROLLOUT} or {@value #TRAIN}. */
    @JsonProperty("kind")
    String kind();

    /** The rollout's or train's id. */
    String id();

    long sequence();

    /** Reads one record of the topic, of any schema version; throws naming what is wrong. */
    static RolloutNews read(EventCodec codec, String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("RolloutNews", List.of("the record has no value"));
        }
        JsonNode tree = codec.tree(json);
        String kind = tree.path("kind").asText("");
        if (kind.isEmpty()) {
            // version 1 wrote a train's event as a rollout event marked "train", with members
            boolean trainV1 =
                    tree.path("train").asBoolean(false)
                            || (tree.path("members").isArray() && !tree.path("members").isEmpty());
            return trainV1
                    ? codec.decode(json, TrainEvent.V1.class).toTrainEvent()
                    : codec.decode(json, RolloutEvent.class);
        }
        return switch (kind) {
            case ROLLOUT -> codec.decode(json, RolloutEvent.class);
            case TRAIN -> codec.decode(json, TrainEvent.class);
            default ->
                    throw new MalformedEventException(
                            "RolloutNews",
                            List.of(
                                    "kind: '"
                                            + kind
                                            + "' is not one of "
                                            + ROLLOUT
                                            + ", "
                                            + TRAIN));
        };
    }
}
