package dev.glide.notifier.channel;

import java.time.Duration;

/**
 * A notification could not be delivered; the destination's answer is in the message. {@code
 * retryAfter} is how long the destination asked to be left alone (a 429's Retry-After), when it
 * said.
 */
public class DeliveryException extends Exception {

    private final Duration retryAfter;

    public DeliveryException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public DeliveryException(String message) {
        this(message, null, null);
    }

    public DeliveryException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
