package io.vigil.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port between MQTT clients and a real broker, injecting faults the
 * broker cannot be made to produce: it forwards every byte both ways until told otherwise.
 *
 * <ul>
 *   <li>{@link #stallAfterConnAck} — on connections accepted from then on, the client gets the
 *       broker's first packet (the CONNACK) and nothing after it, while the connection stays open:
 *       a SUBACK or PUBACK never arrives.
 *   <li>{@link #cut} — closes every connection and, until {@link #heal}, every new one at once: the
 *       broker is unreachable.
 * </ul>
 */
public final class MqttFaultProxy implements AutoCloseable {

    private final String brokerHost;
    private final int brokerPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean stallAfterConnAck;
    private volatile boolean cut;

    private MqttFaultProxy(URI broker) throws IOException {
        this.brokerHost = broker.getHost();
        this.brokerPort = broker.getPort();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "mqtt-fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to the broker at {@code brokerUri} ({@code tcp://host:port}), forwarding all. */
    public static MqttFaultProxy to(String brokerUri) {
        try {
            return new MqttFaultProxy(URI.create(brokerUri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's listener, {@code tcp://127.0.0.1:port}, for the clients. */
    public String uri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted from now on get the CONNACK and then nothing from the broker. */
    public void stallAfterConnAck() {
        stallAfterConnAck = true;
    }

    /** Closes every connection, and each new one at once, until {@link #heal}. */
    public void cut() {
        cut = true;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    /** Forwards everything again, on connections accepted from now on. */
    public void heal() {
        cut = false;
        stallAfterConnAck = false;
    }

    /** Client connections accepted so far, cut ones included. */
    public int accepted() {
        return accepted.get();
    }

    /** Client connections forwarded to the broker and open now. */
    public int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket broker = new Socket(brokerHost, brokerPort);
                boolean stall = stallAfterConnAck;
                open.incrementAndGet();
                Pair pair = new Pair(client, broker);
                start(() -> pump(pair, client, broker, false), "up");
                start(() -> pump(pair, broker, client, stall), "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void start(Runnable pump, String direction) {
        Thread thread =
                new Thread(pump, "mqtt-fault-proxy-" + server.getLocalPort() + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    /** The two sockets of one proxied connection, closed together once. */
    private final class Pair {
        private final Socket client;
        private final Socket broker;
        private boolean closed;

        Pair(Socket client, Socket broker) {
            this.client = client;
            this.broker = broker;
            sockets.add(client);
            sockets.add(broker);
        }

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            sockets.remove(client);
            sockets.remove(broker);
            closeQuietly(client);
            closeQuietly(broker);
            open.decrementAndGet();
        }
    }

    /**
     * Copies {@code from} to {@code to} until either side closes; with {@code firstPacketOnly}, the
     * first MQTT packet only, reading and dropping the rest.
     */
    private static void pump(Pair pair, Socket from, Socket to, boolean firstPacketOnly) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            if (firstPacketOnly) {
                out.write(readPacket(new DataInputStream(in)));
                out.flush();
                out = OutputStream.nullOutputStream();
            }
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        } finally {
            pair.close();
        }
    }

    /** One MQTT control packet: fixed header byte, remaining length, and that many bytes. */
    private static byte[] readPacket(DataInputStream in) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(in.readUnsignedByte());
        int length = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.readUnsignedByte();
            packet.write(digit);
            length |= (digit & 0x7f) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        packet.write(body);
        return packet.toByteArray();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        cut();
    }
}
