package dev.glide.notifier.delivery;

import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.retry.Backoff;
import dev.glide.notifier.channel.DeliveryException;
import dev.glide.notifier.channel.Notification;
import dev.glide.notifier.channel.NotificationChannel;
import dev.glide.notifier.channel.Selected;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Delivers each notification once. A notification already delivered is skipped. A destination that
 * is down or rate-limiting is retried with growing pauses (0.5 s doubling up to 30 s, 8 retries,
 * about 1.5 minutes in all), never sooner than its Retry-After; after that the failure is thrown,
 * so the record is dead-lettered with the destination's last answer rather than dropped. Delivery
 * is at least once: a crash between sending and remembering sends again.
 */
@ApplicationScoped
public class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int RETRIES = 8;

    private final NotificationChannel channel;
    private final MeterRegistry registry;

    Deliverer(@Selected NotificationChannel channel, MeterRegistry registry) {
        this.channel = channel;
        this.registry = registry;
    }

    /** True when it was sent now, false when it had been sent before. */
    public boolean deliver(Notification notification) {
        // while the database is down a notification waits (and its record with it); once sent,
        // remembering it waits too rather than sending it again
        boolean seen =
                DatabaseOutage.retry(
                        "notification " + notification.dedupeKey(),
                        () ->
                                QuarkusTransaction.requiringNew()
                                        .call(
                                                () ->
                                                        Delivery.findById(notification.dedupeKey())
                                                                != null));
        if (seen) {
            return false;
        }
        send(notification);
        DatabaseOutage.retry(
                "remembering notification " + notification.dedupeKey(),
                () ->
                        QuarkusTransaction.requiringNew()
                                .run(
                                        () -> {
                                            Delivery delivery = new Delivery();
                                            delivery.dedupeKey = notification.dedupeKey();
                                            delivery.rolloutId = notification.rolloutId();
                                            delivery.channel = channel.type();
                                            delivery.deliveredAt = Instant.now();
                                            delivery.persist();
                                        }));
        return true;
    }

    private void send(Notification notification) {
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        for (int retry = 0; ; retry++) {
            try {
                channel.deliver(notification);
                return;
            } catch (DeliveryException e) {
                // every failed try, so an alert sees a channel that keeps failing before it gives
                // up
                registry.counter("glide.notifier.delivery.failures", "channel", channel.type())
                        .increment();
                if (retry >= RETRIES) {
                    throw new IllegalStateException(
                            "could not deliver "
                                    + notification.dedupeKey()
                                    + " to "
                                    + channel.type()
                                    + " after "
                                    + (retry + 1)
                                    + " tries: "
                                    + e.getMessage(),
                            e);
                }
                Duration wait = backoff.next(e.retryAfter());
                LOG.infof(
                        "[rollout %s] %s delivery failed, retrying in %d ms: %s",
                        notification.rolloutId(), channel.type(), wait.toMillis(), e.getMessage());
                Backoff.sleep(wait, "a delivery of " + notification.dedupeKey());
            }
        }
    }
}
