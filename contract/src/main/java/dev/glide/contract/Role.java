package dev.glide.contract;

/** Which side of a rollout a backend, a match rule or a metrics window belongs to. */
public enum Role {
    STABLE,
    CANARY
}
