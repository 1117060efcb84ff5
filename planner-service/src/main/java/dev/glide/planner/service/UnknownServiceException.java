package dev.glide.planner.service;

import dev.glide.planner.kernel.Problem;

/** A release or lookup named a service nobody registered. */
public class UnknownServiceException extends Problem {

    public UnknownServiceException(String service) {
        super(
                404,
                "no service named '"
                        + service
                        + "' is registered; register it first with PUT /api/services/"
                        + service);
    }
}
