package dev.glide.contract.kafka;

import dev.glide.contract.EventCodec;
import dev.glide.contract.KeyedEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Writes shared events to one topic, keyed as the contract says, and waits for the broker's
 * acknowledgement. Waiting matters: a consumer that publishes its answer this way commits its input
 * offset only after the answer is stored, so a crash between the two re-delivers the input instead
 * of losing the answer.
 */
public final class EventPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final Emitter<String> emitter;
    private final EventCodec codec;

    public EventPublisher(Emitter<String> emitter, EventCodec codec) {
        this.emitter = emitter;
        this.codec = codec;
    }

    /** Sends the event and blocks until the broker has it; throws if it could not be stored. */
    public void publish(KeyedEvent event) {
        publish(event.recordKey(), codec.encode(event), event.getClass().getSimpleName());
    }

    /**
     * Sends an event already written as JSON (from an outbox) under its record key, and waits for
     * the ack.
     */
    public void publish(String key, String json, String description) {
        await(send(key, json), description + " (key " + key + ")");
    }

    /**
     * Sends every record first and then waits for all acknowledgements: one round trip for a batch
     * instead of one per record. The producer keeps the order of records that share a partition (it
     * is idempotent).
     */
    public void publishAll(List<Keyed> records) {
        await(sendAll(records), records.size() + " records");
    }

    /**
     * Sends every record without waiting: the returned stage completes once the broker has them
     * all, or fails with the first that could not be stored. Several topics' batches sent this way
     * and then waited for together ({@link #awaitAll}) cost one round trip, not one per topic.
     */
    public CompletableFuture<Void> sendAll(List<Keyed> records) {
        return CompletableFuture.allOf(
                records.stream()
                        .map(r -> send(r.key(), r.json()))
                        .toArray(CompletableFuture[]::new));
    }

    /** Waits until the broker has every record of these sends; throws if one was not stored. */
    public static void awaitAll(List<CompletableFuture<Void>> sent, String description) {
        await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)), description);
    }

    /** {@link #publishAll} for events, each under its own record key. */
    public void publishEvents(List<? extends KeyedEvent> events) {
        publishAll(events.stream().map(e -> new Keyed(e.recordKey(), codec.encode(e))).toList());
    }

    /**
     * Sends the events without waiting: the returned stage completes once the broker has them all,
     * or fails with the first that could not be stored. For what may be late but must not hold up
     * its sender (metrics windows while a partition has no leader: the other partitions' windows
     * still go out on time).
     */
    public CompletableFuture<Void> sendEvents(List<? extends KeyedEvent> events) {
        return sendAll(
                events.stream().map(e -> new Keyed(e.recordKey(), codec.encode(e))).toList());
    }

    /** One record to publish: its key and its JSON value. */
    public record Keyed(String key, String json) {}

    private CompletableFuture<Void> send(String key, String json) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message =
                Message.of(json)
                        .addMetadata(
                                OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                        .withAck(
                                () -> {
                                    acked.complete(null);
                                    return acked;
                                })
                        .withNack(
                                failure -> {
                                    acked.completeExceptionally(failure);
                                    return CompletableFuture.completedFuture(null);
                                });
        emitter.send(message);
        return acked;
    }

    private static void await(CompletableFuture<?> acked, String description) {
        try {
            acked.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + description, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + description, e);
        }
    }
}
