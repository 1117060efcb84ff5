package dev.glide.planner.auth;

/** A request without valid credentials (401) or for a service of another team (403). */
public class AuthException extends RuntimeException {

    private final int status;

    public AuthException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
