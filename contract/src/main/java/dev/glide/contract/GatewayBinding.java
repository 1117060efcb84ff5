package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;

/**
 * Which gateway adapter moves a service's traffic, and the names it knows the service by: for HAProxy the
 * backend and its two servers, for the Gateway API the HTTPRoute and its two backendRefs, for the embedded
 * gateway the route (Host or path prefix).
 */
public record GatewayBinding(
        @NotBlank String adapter,
        @NotBlank String route,
        String stableTarget,
        String canaryTarget) {
}
