package dev.glide.traffic.gateway.embedded;

import dev.glide.contract.Role;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.Upstream;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.ProxyRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The embedded gateway's listener: a reverse proxy (Vert.x http-proxy) that picks a version per
 * request from the route's match rules, sticky key and weights, forwards over kept-alive
 * connections, tells the client which version answered ({@value #VERSION_HEADER}) and records the
 * outcome for the metrics windows.
 */
@ApplicationScoped
public class EmbeddedProxy {

    public static final String VERSION_HEADER = "X-Glide-Version";

    /**
     * An application's answer names the goals the request reached (a checkout, a sign-up), comma
     * separated; the gateway counts them per version and per user, and takes the header off.
     */
    public static final String GOAL_HEADER = "X-Glide-Goal";

    /** Marks a mirrored copy, so the canary (and its logs) can tell it from a user's request. */
    public static final String MIRROR_HEADER = "X-Glide-Mirror";

    private static final Set<String> HOP_BY_HOP =
            Set.of(
                    "connection",
                    "keep-alive",
                    "proxy-connection",
                    "te",
                    "trailer",
                    "transfer-encoding",
                    "upgrade",
                    "content-length");
    private static final Logger LOG = Logger.getLogger(EmbeddedProxy.class);

    private final Vertx vertx;
    private final EmbeddedGateway gateway;
    private final GatewayConfig.Embedded config;
    private HttpServer server;
    private HttpClient client;

    EmbeddedProxy(Vertx vertx, EmbeddedGateway gateway, GatewayConfig config) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.config = config.embedded();
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (!config.enabled()) {
            return;
        }
        client =
                vertx.createHttpClient(
                        new HttpClientOptions().setKeepAlive(true).setPipelining(false),
                        new PoolOptions().setHttp1MaxSize(config.poolSizePerEndpoint()));
        server =
                vertx.createHttpServer(
                                new HttpServerOptions()
                                        .setHost(config.host())
                                        .setPort(config.port()))
                        .requestHandler(this::handle)
                        .listen()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
        LOG.infof("embedded gateway listening on %s:%d", config.host(), server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            client.close();
        }
    }

    /**
     * The port the gateway listens on (the configured one, or the one picked when configured as 0).
     */
    public int port() {
        if (server == null) {
            throw new IllegalStateException(
                    "the embedded gateway is disabled (glide.gateway.embedded.enabled)");
        }
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        long started = System.nanoTime();
        EmbeddedRoute route =
                gateway.find(
                        request.authority() == null ? null : request.authority().host(),
                        request.path());
        if (route == null) {
            request.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "text/plain")
                    .end(
                            "no route for host "
                                    + request.authority()
                                    + " and path "
                                    + request.path()
                                    + "\n");
            return;
        }
        UnaryOperator<String> cookies =
                name -> {
                    Cookie cookie = request.getCookie(name);
                    return cookie == null ? null : cookie.getValue();
                };
        EmbeddedRoute.Side side = route.place(request::getHeader, cookies);
        Role role = side.role;
        String version = side.version();
        String user = route.step.arms().isEmpty() ? null : route.user(request::getHeader, cookies);
        if (role == Role.STABLE
                && !hasBody(request)
                && route.mirrors(request::getHeader, cookies)) {
            mirror(route, request);
        }
        request.pause();
        ProxyRequest proxyRequest = ProxyRequest.reverseProxy(request);
        connect(side, 2)
                .compose(proxyRequest::send)
                .compose(
                        response -> {
                            response.putHeader(VERSION_HEADER, version);
                            List<String> goals = goals(response.headers().getAll(GOAL_HEADER));
                            response.headers().remove(GOAL_HEADER);
                            int status = response.getStatusCode();
                            return response.send()
                                    .onComplete(
                                            sent ->
                                                    gateway.record(
                                                            route,
                                                            side,
                                                            status,
                                                            System.nanoTime() - started,
                                                            goals,
                                                            user));
                        })
                .onFailure(
                        failure -> {
                            int status =
                                    failure instanceof TimeoutException
                                                    || failure.getCause()
                                                            instanceof TimeoutException
                                            ? 504
                                            : 502;
                            gateway.record(
                                    route,
                                    side,
                                    status,
                                    System.nanoTime() - started,
                                    List.of(),
                                    user);
                            if (!request.response().headWritten()) {
                                proxyRequest.release();
                                request.response()
                                        .setStatusCode(status)
                                        .putHeader(VERSION_HEADER, version)
                                        .end();
                            } else {
                                request.connection().close();
                            }
                            LOG.debugf(
                                    "request to %s (%s) failed: %s",
                                    version, role, failure.getMessage());
                        });
    }

    /** The goals an answer names: its goal headers' comma-separated names, without blanks. */
    static List<String> goals(List<String> headers) {
        if (headers.isEmpty()) {
            return List.of();
        }
        List<String> goals = new ArrayList<>();
        for (String header : headers) {
            for (String goal : header.split(",")) {
                String name = goal.trim();
                if (!name.isEmpty() && !goals.contains(name)) {
                    goals.add(name);
                }
            }
        }
        return goals;
    }

    /**
     * Requests with a body are not copied: the copy would have to hold the whole body back from the
     * user's request. Mirror GET-like traffic, or judge write paths by weights.
     */
    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null
                || (length != null && !length.equals("0"));
    }

    /**
     * Sends a copy of the request to the canary and forgets the answer, but counts it as the
     * canary's traffic (status and latency), so the analysis judges the canary on real requests
     * none of whose answers a user sees.
     */
    private void mirror(EmbeddedRoute route, HttpServerRequest request) {
        Upstream upstream = route.next(Role.CANARY);
        if (upstream == null) {
            return;
        }
        long started = System.nanoTime();
        RequestOptions options =
                new RequestOptions()
                        .setMethod(request.method())
                        .setHost(upstream.host())
                        .setPort(upstream.port())
                        .setURI(request.uri())
                        .setIdleTimeout(config.upstreamTimeout().toMillis());
        request.headers()
                .forEach(
                        header -> {
                            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                                options.addHeader(header.getKey(), header.getValue());
                            }
                        });
        options.putHeader(MIRROR_HEADER, "1");
        client.request(options)
                .compose(copy -> copy.send())
                .compose(answer -> answer.body().map(body -> answer.statusCode()))
                .onComplete(
                        answered ->
                                gateway.record(
                                        route,
                                        Role.CANARY,
                                        answered.succeeded() ? answered.result() : 502,
                                        System.nanoTime() - started));
    }

    /**
     * A connection to the next endpoint of the version; a refused connection tries the version's
     * next endpoint.
     */
    private Future<HttpClientRequest> connect(EmbeddedRoute.Side side, int attempts) {
        Upstream upstream = side.next();
        if (upstream == null) {
            return Future.failedFuture("version " + side.version() + " has no endpoints");
        }
        RequestOptions options =
                new RequestOptions()
                        .setHost(upstream.host())
                        .setPort(upstream.port())
                        .setIdleTimeout(config.upstreamTimeout().toMillis());
        return client.request(options)
                .recover(
                        failure ->
                                attempts > 1
                                        ? connect(side, attempts - 1)
                                        : Future.failedFuture(failure));
    }
}
