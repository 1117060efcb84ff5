package dev.glide.notifier.delivery;

import dev.glide.notifier.channel.DeliveryException;
import dev.glide.notifier.channel.Notification;
import dev.glide.notifier.channel.NotificationChannel;
import dev.glide.notifier.channel.Selected;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.unchecked.Unchecked;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers each notification once. A notification already delivered is skipped. A destination that is down
 * is retried with growing pauses (0.5 s doubling up to 30 s, 8 retries, about 1.5 minutes in all); after that
 * the failure is thrown, so the record is dead-lettered with the destination's last answer rather than
 * dropped. Delivery is at least once: a crash between sending and remembering sends again.
 */
@ApplicationScoped
public class Deliverer {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int RETRIES = 8;

    private final NotificationChannel channel;

    Deliverer(@Selected NotificationChannel channel) {
        this.channel = channel;
    }

    /** True when it was sent now, false when it had been sent before. */
    public boolean deliver(Notification notification) {
        boolean seen = QuarkusTransaction.requiringNew().call(() -> Delivery.findById(notification.dedupeKey()) != null);
        if (seen) {
            return false;
        }
        Uni.createFrom().item(Unchecked.supplier(() -> {
                    channel.deliver(notification);
                    return notification;
                }))
                .onFailure(DeliveryException.class).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).atMost(RETRIES)
                .await().indefinitely();
        QuarkusTransaction.requiringNew().run(() -> {
            Delivery delivery = new Delivery();
            delivery.dedupeKey = notification.dedupeKey();
            delivery.rolloutId = notification.rolloutId();
            delivery.channel = channel.type();
            delivery.deliveredAt = Instant.now();
            delivery.persist();
        });
        return true;
    }
}
