package dev.glide.planner.auth;

import dev.glide.planner.kernel.Problem;

/** A request without valid credentials (401) or for a service of another team (403). */
public class AuthException extends Problem {

    public AuthException(int status, String message) {
        super(status, message);
    }
}
