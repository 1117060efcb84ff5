package dev.glide.local;

import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.NginxProcess;
import dev.glide.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Glide on one machine: a real Kafka broker and a real PostgreSQL, data kept under one folder
 * so a restart keeps every rollout, then the four services — and, unless told otherwise, a demo: an
 * application in two versions behind the gateway, light steady load, and a release of v2 shown live
 * until its rollout ends. Ctrl-C stops everything, services first.
 */
@Command(
        name = "glide-local",
        mixinStandardHelpOptions = true,
        description =
                "Starts Kafka, PostgreSQL and the four Glide services locally, then a demo release; Ctrl-C stops everything.")
public final class GlideLocal implements Callable<Integer> {

    @Option(
            names = "--root",
            description = "The Glide checkout (default: ${DEFAULT-VALUE}).",
            defaultValue = ".")
    Path root;

    @Option(
            names = "--data-dir",
            description =
                    "Where Kafka, PostgreSQL and the logs keep their files (default: ${DEFAULT-VALUE}).",
            defaultValue = ".local")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            description = "The broker's port (default: ${DEFAULT-VALUE}).",
            defaultValue = "9092")
    int kafkaPort;

    @Option(
            names = "--postgres-port",
            description =
                    "PostgreSQL's port (default: ${DEFAULT-VALUE}; not 5432, to keep clear of a system PostgreSQL).",
            defaultValue = "15432")
    int postgresPort;

    @Option(
            names = "--gateway-port",
            description = "The embedded gateway's port (default: ${DEFAULT-VALUE}).",
            defaultValue = "8080")
    int gatewayPort;

    @Option(
            names = "--partitions",
            description =
                    "Partitions of each topic the services create (default: ${DEFAULT-VALUE}).",
            defaultValue = "6")
    int partitions;

    @Option(
            names = "--exit-when-healthy",
            description =
                    "Stop everything once all services are healthy, without the demo (a smoke test).")
    boolean exitWhenHealthy;

    @Option(
            names = "--no-demo",
            description = "Start Glide only: no demo application, load or release.")
    boolean noDemo;

    @Option(
            names = "--bad",
            description =
                    "Make the demo's v2 bad, to see the automatic rollback: ${COMPLETION-CANDIDATES} (default: none).",
            defaultValue = "none")
    Demo.Badness bad;

    @Option(
            names = "--strategy",
            description =
                    "The demo release's strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "canary")
    Demo.Strategy strategy;

    @Option(
            names = "--gateway",
            description =
                    "Which gateway the demo goes through: ${COMPLETION-CANDIDATES} (haproxy and nginx need "
                            + "their Debian packages; default: ${DEFAULT-VALUE}).",
            defaultValue = "embedded")
    Demo.Gateway gateway;

    @Option(
            names = "--train",
            description =
                    "Release two demo services as one train (demo-web depends on demo-api; with --bad, "
                            + "demo-web's v2 is the bad one) instead of one service.")
    boolean train;

    @Option(
            names = "--experiment",
            description =
                    "Run an experiment instead: demo-shop's control v1 and variants v2a and v2b, new users "
                            + "converting 10 / 14 / 10 %% of the time, the winner switched to (with --bad, v2b "
                            + "fails its guardrail and is stopped alone).")
    boolean experiment;

    @Option(
            names = "--exit-when-done",
            description =
                    "Stop everything once the demo's rollout (or train) has ended; exit 0 only if it ended "
                            + "as expected (SUCCEEDED, or ABORTED with --bad).")
    boolean exitWhenDone;

    private GlideSystem glide;
    private AutoCloseable demo;
    private NginxProcess nginx;

    public static void main(String[] args) {
        System.exit(
                new CommandLine(new GlideLocal())
                        .setCaseInsensitiveEnumValuesAllowed(true)
                        .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(data);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stopAll();
                                    stopped.countDown();
                                },
                                "glide-local-stop"));

        say(
                "Starting Kafka (KRaft) on port %d, PostgreSQL on port %d and the four services; data in %s",
                kafkaPort, postgresPort, data);
        GlideSystem.Builder builder = GlideSystem.builder(root);
        if (gateway == Demo.Gateway.nginx && !train && !noDemo) {
            if (DebianTool.Tool.NGINX.installed()) {
                // the traffic service drives this NGINX: its binary, configuration and route folder
                nginx = NginxProcess.start(data.resolve("nginx"));
                builder.set("traffic-service", "glide.gateway.nginx.binary", nginx.binary())
                        .set("traffic-service", "glide.gateway.nginx.conf", nginx.conf())
                        .set(
                                "traffic-service",
                                "glide.gateway.nginx.include-dir",
                                nginx.includeDir().toString());
            } else {
                say(
                        "nginx is not installed (apt-get install nginx): the demo uses the embedded gateway instead");
            }
        }
        glide =
                builder.dataDir(data)
                        .kafkaPort(kafkaPort)
                        .postgresPort(postgresPort)
                        .partitions(partitions)
                        .gatewayPort(gatewayPort)
                        .servicePort("planner-service", 8081)
                        .servicePort("traffic-service", 8082)
                        .servicePort("analysis-service", 8083)
                        .servicePort("notifier-service", 8084)
                        .start();
        say("  Kafka      %-28s (log %s)", glide.bootstrapServers(), glide.broker().logFile());
        say("  PostgreSQL %-28s", "localhost:" + glide.database().port());
        for (ServiceProcess service : glide.services()) {
            say(
                    "  %-16s %-22s healthy  (API %s/q/swagger-ui, log %s)",
                    service.name(), service.url(), service.url(), service.log());
        }
        say(
                "  gateway          %-22s (the embedded gateway, in traffic-service)",
                glide.gatewayUrl());
        if (exitWhenHealthy) {
            return 0; // the shutdown hook stops everything
        }
        if (!noDemo) {
            boolean asExpected;
            if (experiment) {
                ExperimentDemo experimentDemo = new ExperimentDemo(glide, bad);
                demo = experimentDemo;
                asExpected = experimentDemo.run();
            } else if (train) {
                TrainDemo trainDemo = new TrainDemo(glide, bad);
                demo = trainDemo;
                asExpected = trainDemo.run();
            } else {
                Demo single =
                        new Demo(
                                glide,
                                root.toAbsolutePath().normalize(),
                                data,
                                strategy,
                                bad,
                                gateway,
                                nginx);
                demo = single;
                asExpected = single.run();
            }
            if (exitWhenDone) {
                return asExpected ? 0 : 1;
            }
        }
        say("Glide is running. Press Ctrl-C to stop everything.");
        stopped.await();
        return 0;
    }

    private synchronized void stopAll() {
        if (demo != null) {
            try {
                demo.close();
            } catch (Exception e) {
                say("The demo did not stop cleanly: %s", e.getMessage());
            }
            demo = null;
        }
        if (glide != null) {
            say("Stopping the services, Kafka and PostgreSQL...");
            glide.close();
            glide = null;
            say("Stopped.");
        }
        if (nginx != null) {
            nginx.close();
            nginx = null;
        }
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}
