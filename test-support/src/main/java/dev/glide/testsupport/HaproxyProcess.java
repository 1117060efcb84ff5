package dev.glide.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real HAProxy (the Debian package) started by a test: one frontend on a free port, one backend
 * {@code app} with servers {@code stable} and {@code canary}, and an admin-level Runtime API on a
 * unix socket. Where haproxy is not installed the test is skipped, unless {@code
 * GLIDE_REQUIRE_TOOLS=true} (as CI sets), which makes it fail.
 */
public final class HaproxyProcess implements AutoCloseable {

    public static final String BACKEND = "app";

    private volatile Process process;
    private final int frontendPort;
    private final Path socket;
    private final ProcessBuilder builder;

    private HaproxyProcess(Process process, int frontendPort, Path socket, ProcessBuilder builder) {
        this.process = process;
        this.frontendPort = frontendPort;
        this.socket = socket;
        this.builder = builder;
    }

    /**
     * Starts HAProxy sending everything to stable (weight 100) and nothing to canary (weight 0).
     */
    public static HaproxyProcess start(Path dir, int stablePort, int canaryPort) {
        return start(dir, stablePort, canaryPort, null);
    }

    /**
     * As {@link #start(Path, int, int)}, the backend also hashing users by the header {@code
     * stickyHeader} ({@code balance hdr(...)}, {@code hash-type consistent}) when it is given: a
     * user keeps one server while the weights hold. Either way the backend routes by Glide's
     * match-rule map, {@code glide-app.map}, empty at start.
     */
    public static HaproxyProcess start(
            Path dir, int stablePort, int canaryPort, String stickyHeader) {
        try {
            Files.createDirectories(dir);
            int frontend = FreePorts.pick();
            Path map = dir.resolve("glide-" + BACKEND + ".map");
            Files.writeString(map, "");
            String config =
                    String.join(
                            "\n",
                            "frontend web",
                            "  bind 127.0.0.1:" + frontend,
                            "  default_backend " + BACKEND,
                            "backend " + BACKEND,
                            stickyHeader == null
                                    ? "  balance roundrobin"
                                    : "  balance hdr(" + stickyHeader + ")\n  hash-type consistent",
                            "  http-request set-var(txn.glide_side) req.hdrs,map_reg(" + map + ")",
                            "  use-server canary if { var(txn.glide_side) -m str canary }",
                            "  use-server stable if { var(txn.glide_side) -m str stable }",
                            "  server stable 127.0.0.1:" + stablePort + " weight 100",
                            "  server canary 127.0.0.1:" + canaryPort + " weight 0",
                            "");
            return start(dir, frontend, config);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start haproxy in " + dir, e);
        }
    }

    /**
     * One HAProxy holding many routes, as a shared platform's does: a backend per name in {@code
     * backends}, each with servers {@code stable} (weight 100) and {@code canary} (weight 0),
     * chosen by the request path's first segment ({@code /<backend>/...}), and a Runtime API that
     * takes as many connections at once as there are backends (HAProxy's default is 10).
     */
    public static HaproxyProcess startFleet(
            Path dir, List<String> backends, int stablePort, int canaryPort) {
        try {
            Files.createDirectories(dir);
            int frontend = FreePorts.pick();
            StringBuilder config =
                    new StringBuilder()
                            .append("frontend web\n")
                            .append("  bind 127.0.0.1:")
                            .append(frontend)
                            .append("\n")
                            .append("  use_backend %[path,field(2,/)]\n");
            for (String backend : backends) {
                config.append("backend ")
                        .append(backend)
                        .append("\n  balance roundrobin\n")
                        .append("  server stable 127.0.0.1:")
                        .append(stablePort)
                        .append(" weight 100\n")
                        .append("  server canary 127.0.0.1:")
                        .append(canaryPort)
                        .append(" weight 0\n");
            }
            return start(dir, frontend, "  stats maxconn " + Math.max(10, backends.size()), config);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start haproxy in " + dir, e);
        }
    }

    private static HaproxyProcess start(Path dir, int frontend, String proxies) throws IOException {
        return start(dir, frontend, null, proxies);
    }

    private static HaproxyProcess start(
            Path dir, int frontend, String globalExtra, CharSequence proxies) throws IOException {
        Path binary = DebianTool.Tool.HAPROXY.require();
        Path socket = dir.resolve("admin.sock");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(
                config,
                String.join(
                                "\n",
                                "global",
                                "  stats socket " + socket + " mode 600 level admin",
                                globalExtra == null ? "" : globalExtra,
                                "defaults",
                                "  mode http",
                                "  timeout connect 2s",
                                "  timeout client 30s",
                                "  timeout server 30s",
                                "")
                        + proxies,
                StandardCharsets.UTF_8);
        ProcessBuilder builder =
                new ProcessBuilder(
                                Processes.inOwnSession(
                                        List.of(binary.toString(), "-db", "-f", config.toString())))
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve("haproxy.log").toFile()));
        HaproxyProcess haproxy = new HaproxyProcess(builder.start(), frontend, socket, builder);
        haproxy.awaitServing();
        return haproxy;
    }

    /** Kills HAProxy at once: the gateway is gone, its Runtime API and its frontend with it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * Starts HAProxy again from its configuration file, as a restart would: the weights are the
     * file's again.
     */
    public void startAgain() throws IOException {
        process = builder.start();
        awaitServing();
    }

    private void awaitServing() {
        Awaitility.await("HAProxy listening on " + frontendPort)
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () ->
                                process.isAlive()
                                        && accepts(frontendPort)
                                        && command("show info").contains("Name: HAProxy"));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int frontendPort() {
        return frontendPort;
    }

    /** The Runtime API address for a gateway binding: {@code unix:/.../admin.sock}. */
    public String runtimeApi() {
        return "unix:" + socket;
    }

    /** One Runtime API command, as an operator would type it by hand; returns HAProxy's answer. */
    public String command(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(
                    Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("HAProxy did not take '" + command + "'", e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
