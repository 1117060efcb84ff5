package dev.glide.contract;

/**
 * Every Kafka topic the services share, defined once.
 *
 * <p>Channel names in each service's {@code application.properties} equal these topic names, so
 * SmallRye takes the topic from the channel and no second spelling exists. Record keys are the
 * rollout id on every topic except {@link #RELEASE_EVENTS}, which is keyed by service: one key, one
 * partition, so every event of one rollout is read in the order it was written. Each event record
 * names its own key through {@link KeyedEvent#recordKey()}.
 */
public final class Topics {

    /**
     * Teams (CI, CDEvents) to the planner: releases, and release trains. Key: service name (a
     * train's name).
     */
    public static final String RELEASE_EVENTS = "release-events";

    /** Planner to traffic: the desired traffic state of one step. Key: rollout id. */
    public static final String ROLLOUT_STEPS = "rollout-steps";

    /**
     * Traffic to planner: what the gateway really serves, read back, or why it could not be set.
     * Key: rollout id.
     */
    public static final String TRAFFIC_APPLIED = "traffic-applied";

    /**
     * Gateways and collectors to analysis: per-version windows of requests, errors and latency.
     * Key: rollout id.
     */
    public static final String TRAFFIC_METRICS = "traffic-metrics";

    /** Analysis to planner and notifier. Key: rollout id. */
    public static final String ANALYSIS_VERDICTS = "analysis-verdicts";

    /**
     * API and chat to planner: promote, abort, pause, resume. Key: rollout id (or a release train's
     * id).
     */
    public static final String ROLLOUT_COMMANDS = "rollout-commands";

    /**
     * Planner to notifier and anyone: state transitions of rollouts and of release trains. Key:
     * rollout (train) id.
     */
    public static final String ROLLOUT_EVENTS = "rollout-events";

    /**
     * Planner to other CI/CD tools: CDEvents service.upgraded / service.rolledback when a rollout
     * ends. Key: rollout id.
     */
    public static final String CDEVENTS = "cdevents";

    /**
     * The prefix of every dead-letter topic. It is SmallRye Kafka's default ({@code
     * dead-letter-topic-<channel>}), so a consumer only declares {@code
     * failure-strategy=dead-letter-queue} and this stays the one spelling.
     */
    public static final String DEAD_LETTER_PREFIX = "dead-letter-topic-";

    /** Headers SmallRye Kafka puts on every dead-lettered record. */
    public static final String DLQ_REASON_HEADER = "dead-letter-reason";

    public static final String DLQ_TOPIC_HEADER = "dead-letter-topic";
    public static final String DLQ_PARTITION_HEADER = "dead-letter-partition";
    public static final String DLQ_OFFSET_HEADER = "dead-letter-offset";

    private Topics() {}

    /**
     * The dead-letter topic of an input topic: where records go that cannot be parsed or validated.
     */
    public static String deadLetterOf(String topic) {
        return DEAD_LETTER_PREFIX + topic;
    }
}
