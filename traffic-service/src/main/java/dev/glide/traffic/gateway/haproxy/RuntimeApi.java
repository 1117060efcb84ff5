package dev.glide.traffic.gateway.haproxy;

import dev.glide.traffic.gateway.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HAProxy's Runtime API in its non-interactive mode: one connection per batch, commands separated
 * by {@code ;} and run in order by HAProxy, the answer read until HAProxy closes. The address is
 * {@code unix:/path} (or a path) for the stats socket, or {@code host:port} for a TCP stats socket;
 * it must be at admin level to set weights.
 */
final class RuntimeApi {

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

    private String send(String address, String batch) throws GatewayException {
        CompletableFuture<String> answer =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return isUnix(address)
                                        ? viaUnixSocket(unixPath(address), batch)
                                        : viaTcp(address, batch);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new GatewayException(
                    "HAProxy Runtime API at "
                            + address
                            + " did not answer within "
                            + timeout.toMillis()
                            + " ms",
                    true,
                    e);
        } catch (ExecutionException e) {
            Throwable cause =
                    e.getCause() instanceof UncheckedIOException
                            ? e.getCause().getCause()
                            : e.getCause();
            throw new GatewayException(
                    "HAProxy Runtime API at " + address + " is unreachable: " + cause.getMessage(),
                    true,
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(
                    "interrupted while talking to HAProxy at " + address, true, e);
        }
    }

    private static boolean isUnix(String address) {
        return address.startsWith("unix:") || address.startsWith("/");
    }

    private static String unixPath(String address) {
        return address.startsWith("unix:") ? address.substring("unix:".length()) : address;
    }

    private static String viaUnixSocket(String path, String batch) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
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
