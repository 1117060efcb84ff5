package dev.glide.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Glide service running from its Quarkus build in a JVM of its own, with its output in a log
 * file: how the local launcher runs the services, and how tests that must crash and restart a
 * service run it.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;
    private final ProcessBuilder builder;

    private ServiceProcess(
            String name, int port, Path log, Process process, ProcessBuilder builder) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
        this.builder = builder;
    }

    /**
     * Starts {@code <root>/<name>/target/quarkus-app/quarkus-run.jar} with the given environment.
     */
    public static ServiceProcess start(
            Path root, String name, int port, Map<String, String> environment, Path logDir)
            throws IOException {
        return start(root, name, port, environment, Map.of(), logDir);
    }

    /**
     * As {@link #start(Path, String, int, Map, Path)}, with configuration given as system
     * properties too.
     */
    public static ServiceProcess start(
            Path root,
            String name,
            int port,
            Map<String, String> environment,
            Map<String, String> properties,
            Path logDir)
            throws IOException {
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build first (mvn -DskipTests install)");
        }
        Path log = logDir.resolve(name + ".log");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xmx384m",
                                "-Dquarkus.http.port=" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder =
                new ProcessBuilder(Processes.inOwnSession(command))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new ServiceProcess(name, port, log, builder.start(), builder);
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public Path log() {
        return log;
    }

    /** Waits until {@code /q/health} answers UP; fails early if the JVM exits. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url() + "/q/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response =
                        HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                name + " was not healthy within " + timeout.toSeconds() + " s; see " + log);
    }

    /**
     * Asks the service to stop (it finishes in-flight work and closes its Kafka clients), then
     * kills it if it hangs.
     */
    public void stop() {
        Processes.stopGracefully(process, Duration.ofSeconds(20));
    }

    /**
     * Kills the JVM at once, as a crash or {@code kill -9} would: no shutdown hooks, no goodbyes.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * The same service started again: same port, settings and log (appended), as a supervisor
     * restarts a crashed one.
     */
    public ServiceProcess restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " on port " + port + " is still running");
        }
        return new ServiceProcess(name, port, log, builder.start(), builder);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }
}
