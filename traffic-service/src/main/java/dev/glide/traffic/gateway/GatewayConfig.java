package dev.glide.traffic.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How the adapters reach their gateways: {@code glide.gateway.*}. */
@ConfigMapping(prefix = "glide.gateway")
public interface GatewayConfig {

    Embedded embedded();

    Haproxy haproxy();

    Kubernetes kubernetes();

    interface Embedded {
        /** Whether traffic-service runs the embedded reverse proxy at all. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0.0.0.0")
        String host();

        /** 0 picks a free port (tests). */
        @WithDefault("8080")
        int port();

        /**
         * How long the proxy waits for an upstream's answer before failing the request with 504.
         */
        @WithDefault("30s")
        Duration upstreamTimeout();

        /** Kept-alive connections per upstream endpoint. */
        @WithDefault("64")
        int poolSizePerEndpoint();
    }

    interface Haproxy {
        /**
         * The Runtime API used when a binding names no address: {@code unix:/path} or {@code
         * host:port}.
         */
        Optional<String> runtimeApi();

        @WithDefault("2s")
        Duration timeout();
    }

    interface Kubernetes {
        /** The namespace of an HTTPRoute named without one. */
        @WithDefault("default")
        String namespace();

        /**
         * The API server; without it the client's usual discovery (in-cluster, then
         * ~/.kube/config).
         */
        Optional<String> masterUrl();
    }
}
