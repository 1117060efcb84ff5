package dev.glide.notifier.channel;

import dev.glide.contract.seam.Typed;

/**
 * Where notifications go: one implementation per kind of destination, chosen by {@code
 * glide.notifier.channel}.
 */
public interface NotificationChannel extends Typed {

    /** The name {@code glide.notifier.channel} selects this channel by. */
    String type();

    /** Delivers one notification, or throws so that the record is retried. */
    void deliver(Notification notification) throws DeliveryException;
}
