package dev.glide.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping child JVMs the way an operator would: ask first, then insist. */
public final class Processes {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Processes() {}

    /**
     * The command run in a session of its own (util-linux's setsid, where there is one). Ctrl-C in
     * a terminal signals the whole foreground process group: without this the broker stopped
     * together with the services, which then could not leave their consumer groups, and the next
     * start waited out the session timeout (~35 s) before its consumers got partitions. In its own
     * session a child stops only when its parent stops it, in order.
     */
    public static List<String> inOwnSession(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Sends SIGTERM so the process runs its shutdown hooks (a broker flushes its logs, a service
     * closes its Kafka clients), and kills it if it has not exited within {@code grace}.
     */
    public static void stopGracefully(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
