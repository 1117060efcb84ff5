package dev.glide.kafkabroker;

import java.util.Arrays;

/**
 * Runs Kafka's own tools in a child JVM for the test harness and the local launcher, and ends the broker when
 * the JVM that started it is gone: a test run killed with -9 must not leave a broker holding ports.
 *
 * <p>Usage: {@code BrokerMain <parent-pid> storage|serve <args for StorageTool or kafka.Kafka>}.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: BrokerMain <parent-pid> storage|serve <args...>");
        }
        long parentPid = Long.parseLong(args[0]);
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        switch (args[1]) {
            case "storage" -> kafka.tools.StorageTool.main(rest);
            case "serve" -> {
                watchParent(parentPid);
                kafka.Kafka.main(rest);
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[1] + ": expected storage or serve");
        }
    }

    private static void watchParent(long parentPid) {
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("parent process " + parentPid + " is gone; stopping the broker");
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
