package dev.glide.traffic.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** How the adapters reach their gateways: {@code glide.gateway.*}. */
@ConfigMapping(prefix = "glide.gateway")
public interface GatewayConfig {

    Embedded embedded();

    Haproxy haproxy();

    Kubernetes kubernetes();

    Nginx nginx();

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

    interface Nginx {
        /** The nginx command, run for {@code -t} and {@code -s reload}. */
        @WithDefault("/usr/sbin/nginx")
        String binary();

        /** NGINX's main configuration file ({@code -c}), when not the one it was built with. */
        Optional<String> conf();

        /** Where the route files go; NGINX's {@code http} block includes {@code <dir>/*.conf}. */
        @WithDefault("/etc/nginx/glide")
        Path includeDir();

        /**
         * Where a route listens when its binding names no address: {@code 80}, {@code host:port}.
         */
        @WithDefault("80")
        String listen();

        /** How long a reload may take until the route answers its new generation. */
        @WithDefault("10s")
        Duration reloadTimeout();

        /**
         * Where each route's access log goes ({@code glide-<route>.log}), which the adapter reads
         * for the metrics windows; by default {@code <include-dir>/logs}.
         */
        Optional<Path> logDir();
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
