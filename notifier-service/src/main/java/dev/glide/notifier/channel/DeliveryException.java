package dev.glide.notifier.channel;

/** A notification could not be delivered; the destination's answer is in the message. */
public class DeliveryException extends Exception {

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeliveryException(String message) {
        super(message);
    }
}
