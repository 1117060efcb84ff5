package dev.glide.contract.seam;

/**
 * One implementation of a seam (a gateway adapter, a metrics source, a judge, a notification
 * channel), known by the type name configuration chooses it by.
 */
public interface Typed {

    /** The name configuration and logs use for this implementation, e.g. {@code haproxy}. */
    String type();
}
