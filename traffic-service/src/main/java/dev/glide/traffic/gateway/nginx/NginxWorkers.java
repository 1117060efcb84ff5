package dev.glide.traffic.gateway.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The worker processes of one NGINX that still take new connections, seen from {@code /proc}: an
 * old worker keeps accepting until it has handled the master's signal to stop, and then retitles
 * itself {@code worker process is shutting down} before it closes its listening sockets. A reload's
 * new configuration is the only one a new connection can reach once every worker that accepted
 * before the reload is gone or shutting down.
 *
 * <p>The master is found through NGINX's pid file (the configuration's {@code pid}, else the one
 * NGINX was built with); where that or {@code /proc} cannot be read, nothing is known and the
 * adapter relies on its read-back alone.
 */
final class NginxWorkers {

    private static final Pattern PID = Pattern.compile("(?m)^\\s*pid\\s+([^;\\s]+)\\s*;");
    private static final Pattern BUILT_PID = Pattern.compile("--pid-path=(\\S+)");
    private static final Pattern PREFIX = Pattern.compile("--prefix=(\\S+)");

    private final Path pidFile;

    private NginxWorkers(Path pidFile) {
        this.pidFile = pidFile;
    }

    /**
     * Where this NGINX keeps its master's pid, from its configuration dump ({@code nginx -T}) and
     * its build options ({@code nginx -V}); empty when neither says.
     *
     * @param nginx runs nginx with the given argument and returns what it printed, or null
     */
    static Optional<NginxWorkers> find(Function<String, String> nginx) {
        String built = Optional.ofNullable(nginx.apply("-V")).orElse("");
        String dump = Optional.ofNullable(nginx.apply("-T")).orElse("");
        Matcher configured = PID.matcher(dump);
        Matcher compiled = BUILT_PID.matcher(built);
        String path =
                configured.find()
                        ? configured.group(1)
                        : compiled.find() ? compiled.group(1) : null;
        if (path == null) {
            return Optional.empty();
        }
        Path file = Path.of(path);
        if (!file.isAbsolute()) {
            Matcher prefix = PREFIX.matcher(built);
            file = Path.of(prefix.find() ? prefix.group(1) : "/usr/local/nginx").resolve(file);
        }
        return Optional.of(new NginxWorkers(file));
    }

    /** The workers now taking new connections; empty when the master cannot be seen. */
    Set<Long> accepting() {
        try {
            long master = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(master).stream()
                    .flatMap(ProcessHandle::children)
                    .map(ProcessHandle::pid)
                    .filter(NginxWorkers::accepts)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** Whether any of these workers still takes new connections. */
    static boolean anyAccepts(Set<Long> workers) {
        return workers.stream().anyMatch(NginxWorkers::accepts);
    }

    private static boolean accepts(long pid) {
        try {
            String title =
                    new String(
                                    Files.readAllBytes(
                                            Path.of("/proc", Long.toString(pid), "cmdline")),
                                    StandardCharsets.UTF_8)
                            .replace('\0', ' ');
            return title.contains("worker process") && !title.contains("shutting down");
        } catch (IOException e) {
            return false; // gone
        }
    }
}
