package dev.glide.planner.service;

/** A release or lookup named a service nobody registered. */
public class UnknownServiceException extends RuntimeException {

    public UnknownServiceException(String service) {
        super(
                "no service named '"
                        + service
                        + "' is registered; register it first with PUT /api/services/"
                        + service);
    }
}
