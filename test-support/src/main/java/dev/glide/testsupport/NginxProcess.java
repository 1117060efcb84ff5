package dev.glide.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real NGINX (the Debian package) started by a test in a folder of its own: its main
 * configuration includes {@code <dir>/glide/*.conf} in its {@code http} block (where the nginx
 * adapter writes its route files), its pid, logs and temporary files stay in the folder, and it
 * listens on nothing until a route file says so. Where nginx is not installed the test is skipped,
 * unless {@code GLIDE_REQUIRE_TOOLS=true} (as CI sets), which makes it fail.
 */
public final class NginxProcess implements AutoCloseable {

    private final Process process;
    private final Path binary;
    private final Path dir;
    private final Path conf;

    private NginxProcess(Process process, Path binary, Path dir, Path conf) {
        this.process = process;
        this.binary = binary;
        this.dir = dir;
        this.conf = conf;
    }

    public static NginxProcess start(Path dir) {
        Path binary = DebianTool.Tool.NGINX.require();
        try {
            Path root = dir.toAbsolutePath();
            Files.createDirectories(root.resolve("glide"));
            Files.createDirectories(root.resolve("tmp"));
            Path conf = root.resolve("nginx.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "worker_processes 2;",
                            "pid " + root.resolve("nginx.pid") + ";",
                            "error_log " + root.resolve("error.log") + " warn;",
                            "events { worker_connections 1024; }",
                            "http {",
                            "    access_log off;",
                            "    client_body_temp_path " + root.resolve("tmp/body") + ";",
                            "    proxy_temp_path " + root.resolve("tmp/proxy") + ";",
                            "    fastcgi_temp_path " + root.resolve("tmp/fastcgi") + ";",
                            "    uwsgi_temp_path " + root.resolve("tmp/uwsgi") + ";",
                            "    scgi_temp_path " + root.resolve("tmp/scgi") + ";",
                            "    include " + root.resolve("glide") + "/*.conf;",
                            "}",
                            ""),
                    StandardCharsets.UTF_8);
            Process process =
                    new ProcessBuilder(
                                    Processes.inOwnSession(
                                            List.of(
                                                    binary.toString(),
                                                    "-c",
                                                    conf.toString(),
                                                    "-g",
                                                    "daemon off; user root;")))
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    ProcessBuilder.Redirect.appendTo(
                                            root.resolve("nginx.out").toFile()))
                            .start();
            NginxProcess nginx = new NginxProcess(process, binary, root, conf);
            Awaitility.await("NGINX started in " + root)
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(root.resolve("nginx.pid")) || !process.isAlive());
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "nginx did not start: " + Files.readString(root.resolve("nginx.out")));
            }
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start nginx in " + dir, e);
        }
    }

    /** The nginx command the adapter runs ({@code glide.gateway.nginx.binary}). */
    public String binary() {
        return binary.toString();
    }

    /** The main configuration ({@code glide.gateway.nginx.conf}). */
    public String conf() {
        return conf.toString();
    }

    /** Where route files go ({@code glide.gateway.nginx.include-dir}). */
    public Path includeDir() {
        return dir.resolve("glide");
    }

    @Override
    public void close() {
        Processes.stopGracefully(process, Duration.ofSeconds(10));
    }
}
