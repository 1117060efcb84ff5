package dev.glide.traffic.gateway;

/** The gateway could not be set or read. {@code transient} failures are worth retrying. */
public class GatewayException extends Exception {

    private final boolean transientFailure;

    public GatewayException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public GatewayException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
