package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.concurrent.DaemonThreads;
import dev.glide.traffic.gateway.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy's Runtime API in its non-interactive mode: one connection per batch, commands separated
 * by {@code ;} and run in order by HAProxy, the answer read until HAProxy closes. The address is
 * {@code unix:/path} (or a path) for the stats socket, or {@code host:port} for a TCP stats socket;
 * it must be at admin level to set weights.
 */
final class RuntimeApi {

    private static final ScheduledExecutorService DEADLINES =
            Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.named("haproxy-runtime-api-deadlines"));

    private final Duration timeout;

    RuntimeApi(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Runs the commands in one batch and returns HAProxy's whole answer. Unreachable sockets are
     * transient.
     */
    String execute(String address, List<String> commands) throws GatewayException {
        return send(address, String.join("; ", commands) + "\n");
    }

    /**
     * Runs one command with a payload ({@code add map @1 <map> <<} and its lines), which HAProxy
     * reads up to the empty line, without the command line's escapes and separators.
     */
    String executeWithPayload(String address, String command, String payload)
            throws GatewayException {
        return send(address, command + " <<\n" + payload + "\n");
    }

    /**
     * Talks to HAProxy on the calling thread (a route's lane: many routes' batches run at once,
     * none waits for a shared pool), the whole exchange bounded by the timeout: a socket that stops
     * answering is closed under the read.
     */
    private String send(String address, String batch) throws GatewayException {
        try {
            return isUnix(address)
                    ? viaUnixSocket(unixPath(address), batch)
                    : viaTcp(address, batch);
        } catch (SocketTimeoutException | AsynchronousCloseException e) {
            throw new GatewayException(
                    "HAProxy Runtime API at "
                            + address
                            + " did not answer within "
                            + timeout.toMillis()
                            + " ms",
                    true,
                    e);
        } catch (IOException e) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new GatewayException(
                        "interrupted while talking to HAProxy at " + address, true, e);
            }
            throw new GatewayException(
                    "HAProxy Runtime API at " + address + " is unreachable: " + e.getMessage(),
                    true,
                    e);
        }
    }

    private static boolean isUnix(String address) {
        return address.startsWith("unix:") || address.startsWith("/");
    }

    private static String unixPath(String address) {
        return address.startsWith("unix:") ? address.substring("unix:".length()) : address;
    }

    private String viaUnixSocket(String path, String batch) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // a unix channel has no read timeout of its own: closing it ends a blocked read
            ScheduledFuture<?> deadline =
                    DEADLINES.schedule(
                            () -> {
                                try {
                                    channel.close();
                                } catch (IOException ignored) {
                                    // closing is all that was wanted
                                }
                            },
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
            try {
                return exchange(channel, path, batch);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private static String exchange(SocketChannel channel, String path, String batch)
            throws IOException {
        channel.connect(UnixDomainSocketAddress.of(path));
        ByteBuffer out = ByteBuffer.wrap(batch.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        while (channel.read(in) >= 0) {
            answer.write(in.array(), 0, in.position());
            in.clear();
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private String viaTcp(String address, String batch) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IOException("address '" + address + "' is neither unix:/path nor host:port");
        }
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(
                            address.substring(0, colon),
                            Integer.parseInt(address.substring(colon + 1))),
                    (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(batch.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
