package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;

/**
 * Which gateway adapter moves a service's traffic, and the names it knows the service by.
 *
 * <ul>
 *   <li>{@code embedded}: {@code route} is a Host name ({@code checkout.local}) or a path prefix
 *       ({@code /checkout}); the targets are unused, the step's backends carry the upstream
 *       endpoints.
 *   <li>{@code haproxy}: {@code route} is the backend, the targets its two servers, {@code address}
 *       the Runtime API socket ({@code unix:/run/haproxy/admin.sock} or {@code host:port}).
 *   <li>{@code gateway-api}: {@code route} is the HTTPRoute ({@code namespace/name} or {@code
 *       name}), the targets the Services of its two backendRefs.
 *   <li>{@code noop}: a dry run; only {@code route} is used.
 * </ul>
 *
 * @param address where the adapter reaches the gateway, when the adapter's configured default is
 *     not the one
 */
public record GatewayBinding(
        @NotBlank String adapter,
        @NotBlank String route,
        String stableTarget,
        String canaryTarget,
        String address) {

    public GatewayBinding(String adapter, String route, String stableTarget, String canaryTarget) {
        this(adapter, route, stableTarget, canaryTarget, null);
    }
}
