package dev.glide.traffic.gateway.nginx;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayConfig;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Open-source NGINX (no NGINX Plus API): the traffic service owns one file per route in NGINX's
 * include folder ({@link NginxRoute}), which it replaces atomically, checks with {@code nginx -t}
 * and then has NGINX load with a graceful reload ({@code nginx -s reload}: new workers take new
 * connections, old ones finish the requests they have, so no request fails and some version always
 * serves). A file NGINX rejects is never loaded: the previous file is put back and the step fails
 * with NGINX's own message, while the old configuration keeps serving. A step is applied only once
 * the route's read-back location, asked on fresh connections, answers the new file's generation
 * five times in a row, and every worker that took connections before the reload has handled its
 * signal to stop ({@link NginxWorkers}): from then on a new connection reaches the new
 * configuration only.
 *
 * <p>The binding's route is the route's host name (its {@code server_name}), its address where the
 * route listens ({@code 127.0.0.1:8081}, {@code 80}) when not {@code glide.gateway.nginx.listen};
 * NGINX's {@code http} block must include {@code <include-dir>/*.conf}. One NGINX is changed by one
 * step at a time.
 */
@ApplicationScoped
public class NginxGateway implements GatewayAdapter {

    public static final String TYPE = "nginx";
    private static final Logger LOG = Logger.getLogger(NginxGateway.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Fresh connections in a row that must answer the new generation: an old worker that has not
     * yet handled its signal to stop can still take one new connection just after a reload.
     */
    private static final int CONFIRMATIONS = 5;

    private final GatewayConfig.Nginx config;
    private final Object reloads = new Object();
    private final Map<String, RolloutStep> applied = new ConcurrentHashMap<>();
    private Optional<NginxWorkers> workers;

    @Inject
    NginxGateway(GatewayConfig config) {
        this(config.nginx());
    }

    NginxGateway(GatewayConfig.Nginx config) {
        this.config = config;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Where a route's requests are logged, for {@link NginxMetrics}. */
    Path accessLog(String route) {
        Path dir = config.logDir().orElse(config.includeDir().resolve("logs"));
        return dir.resolve(NginxRoute.fileName(route).replaceFirst("\\.conf$", ".log"));
    }

    /** The newest step this replica applied to each route: what its metrics are read for. */
    Map<String, RolloutStep> appliedSteps() {
        return Map.copyOf(applied);
    }

    @Override
    public void apply(RolloutStep step) throws GatewayException {
        GatewayBinding binding = step.gateway();
        String generation = step.rolloutId() + "/" + step.sequence() + "/" + UUID.randomUUID();
        Path accessLog = accessLog(binding.route());
        String text = NginxRoute.render(step, listen(binding), generation, accessLog);
        synchronized (reloads) {
            try {
                Files.createDirectories(accessLog.getParent());
            } catch (IOException e) {
                throw new GatewayException(
                        "cannot create NGINX's log folder " + accessLog.getParent() + ": " + e,
                        false);
            }
            Path file = config.includeDir().resolve(NginxRoute.fileName(binding.route()));
            byte[] previous = read(file);
            write(file, text.getBytes(StandardCharsets.UTF_8));
            Run check = nginx("-t");
            if (check.exit() != 0) {
                restore(file, previous);
                throw new GatewayException(
                        "NGINX rejected the configuration of route '"
                                + binding.route()
                                + "', which was not loaded (the previous one keeps serving): "
                                + check.message(),
                        false);
            }
            Set<Long> before = acceptingWorkers();
            Run reload = nginx("-s", "reload");
            if (reload.exit() != 0) {
                throw new GatewayException("NGINX did not reload: " + reload.message(), true);
            }
            long deadline = System.nanoTime() + config.reloadTimeout().toNanos();
            awaitGeneration(binding, generation, deadline);
            awaitOldWorkers(binding, before, deadline);
            applied.put(binding.route(), step);
        }
        LOG.debugf(
                "[rollout %s] nginx route %s now serves stable %.2f %% / canary %.2f %%",
                step.rolloutId(),
                binding.route(),
                step.weights().stable(),
                step.weights().canary());
    }

    @Override
    public ServedTraffic read(GatewayBinding binding) throws GatewayException {
        return ask(binding).served();
    }

    /** The NGINX workers now taking new connections (empty when they cannot be seen). */
    Set<Long> acceptingWorkers() {
        return workers().map(NginxWorkers::accepting).orElse(Set.of());
    }

    /** This NGINX's workers, found once (its pid file does not move while it runs). */
    private Optional<NginxWorkers> workers() {
        if (workers == null) {
            workers =
                    NginxWorkers.find(
                            argument -> {
                                try {
                                    Run run = nginx(argument);
                                    return run.exit() == 0 ? run.output() : null;
                                } catch (GatewayException e) {
                                    return null;
                                }
                            });
        }
        return workers;
    }

    /**
     * Waits until no worker that took connections before the reload still does: one that has not
     * yet handled its signal to stop would hand a new connection the old configuration.
     */
    private void awaitOldWorkers(GatewayBinding binding, Set<Long> before, long deadline)
            throws GatewayException {
        while (NginxWorkers.anyAccepts(before)) {
            if (System.nanoTime() > deadline) {
                throw new GatewayException(
                        "NGINX reloaded route '"
                                + binding.route()
                                + "' but its old workers "
                                + before
                                + " still take connections after "
                                + config.reloadTimeout().toMillis()
                                + " ms",
                        true);
            }
            pause(10);
        }
    }

    private static void pause(long millis) throws GatewayException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted while waiting for NGINX", false, e);
        }
    }

    private void awaitGeneration(GatewayBinding binding, String generation, long deadline)
            throws GatewayException {
        String seen = null;
        int confirmed = 0;
        while (true) {
            try {
                seen = ask(binding).generation();
                confirmed = generation.equals(seen) ? confirmed + 1 : 0;
                if (confirmed >= CONFIRMATIONS) {
                    return;
                }
            } catch (GatewayException e) {
                seen = e.getMessage();
                confirmed = 0;
            }
            if (System.nanoTime() > deadline) {
                throw new GatewayException(
                        "NGINX reloaded but route '"
                                + binding.route()
                                + "' still answers "
                                + seen
                                + " after "
                                + config.reloadTimeout().toMillis()
                                + " ms, not generation "
                                + generation,
                        true);
            }
            pause(confirmed > 0 ? 20 : 10);
        }
    }

    /**
     * Asks the route's read-back location on a connection of its own (a kept-alive one could still
     * reach an old worker), with the route's host name.
     */
    private NginxRoute.Answer ask(GatewayBinding binding) throws GatewayException {
        String listen = listen(binding);
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? "" : listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1).trim());
        if (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) READ_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET "
                                    + NginxRoute.READ_BACK_PATH
                                    + " HTTP/1.0\r\nHost: "
                                    + binding.route()
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            String status = response.lines().findFirst().orElse("");
            if (!status.contains(" 200 ") || body < 0) {
                throw new GatewayException(
                        "NGINX does not serve route '"
                                + binding.route()
                                + "' on "
                                + listen
                                + ": "
                                + status,
                        true);
            }
            return NginxRoute.parse(response.substring(body + 4));
        } catch (IOException e) {
            throw new GatewayException(
                    "NGINX is not reachable on " + listen + ": " + e.getMessage(), true, e);
        }
    }

    private String listen(GatewayBinding binding) throws GatewayException {
        String listen =
                binding.address() != null && !binding.address().isBlank()
                        ? binding.address().trim()
                        : config.listen();
        String port = listen.substring(listen.lastIndexOf(':') + 1);
        if (!port.matches("[0-9]{1,5}")) {
            throw new GatewayException(
                    "the nginx binding's address '"
                            + listen
                            + "' is not where the route listens (host:port or port)",
                    false);
        }
        return listen;
    }

    /** What one run of the nginx command said. */
    record Run(int exit, String output) {
        /** NGINX's complaints, without the lines that only say the test ran. */
        String message() {
            List<String> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (!line.isBlank()
                        && !line.contains("syntax is ok")
                        && !line.contains("test failed")) {
                    lines.add(line.trim());
                }
            }
            return lines.isEmpty() ? output.trim() : String.join("; ", lines);
        }
    }

    private Run nginx(String... arguments) throws GatewayException {
        List<String> command = new ArrayList<>();
        command.add(config.binary());
        config.conf().ifPresent(conf -> command.addAll(List.of("-c", conf)));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(config.reloadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GatewayException(String.join(" ", command) + " did not finish", true);
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new GatewayException(
                    "cannot run " + String.join(" ", command) + ": " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted while running nginx", false, e);
        }
    }

    private static byte[] read(Path file) throws GatewayException {
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new GatewayException("cannot read " + file + ": " + e.getMessage(), false, e);
        }
    }

    private static void restore(Path file, byte[] before) throws GatewayException {
        try {
            if (before == null) {
                Files.deleteIfExists(file);
            } else {
                write(file, before);
            }
        } catch (IOException e) {
            throw new GatewayException(
                    "cannot put back " + file + " after NGINX rejected it: " + e.getMessage(),
                    false,
                    e);
        }
    }

    /** Replaces the file in one rename, so NGINX never reads half of it. */
    private static void write(Path file, byte[] content) throws GatewayException {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".glide-", ".tmp");
            Files.write(temporary, content);
            try {
                Files.move(
                        temporary,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new GatewayException("cannot write " + file + ": " + e.getMessage(), false, e);
        }
    }
}
