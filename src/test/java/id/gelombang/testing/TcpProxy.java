package id.gelombang.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder between the application and PostgreSQL that a test can cut: {@link #cut()}
 * drops every connection and resets new ones, as a crashed database would; {@link #restore()}
 * forwards new connections again. It also counts the round trips
 * the application makes ({@link #roundTrips()}).
 */
public final class TcpProxy {

    private final int targetPort;
    private final ServerSocket server;
    /** Every open pair; guarded by {@code this} together with {@link #cut}. */
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicLong readyForQuery = new AtomicLong();
    private boolean cut;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        // Bound once for the proxy's life: a cut refuses on this very port, which nothing else can take meanwhile.
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * ReadyForQuery messages PostgreSQL has sent through this proxy: the server sends one when it has
     * answered a simple query or a Sync, i.e. once per round trip the client waited for (BEGIN and
     * COMMIT included; the connections' start-up counts one each).
     */
    public long roundTrips() {
        return readyForQuery.get();
    }

    /** Drops every connection at once, and resets every new one until {@link #restore()}. */
    public synchronized void cut() {
        cut = true;
        for (Socket socket : sockets) {
            reset(socket);
        }
        sockets.clear();
    }

    public synchronized void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket database = new Socket("127.0.0.1", targetPort);
                // Registered under the same lock as cut(): a connection accepted while a cut runs is
                // dropped, never left open behind it.
                if (!register(client, database)) {
                    continue;
                }
                pump(client, database, null);
                pump(database, client, new MessageCounter());
            } catch (IOException e) {
                reset(client); // the database refused: the client sees its connection drop
            }
        }
    }

    private synchronized boolean register(Socket client, Socket database) {
        if (cut) {
            reset(client);
            reset(database);
            return false;
        }
        sockets.add(client);
        sockets.add(database);
        return true;
    }

    /** Closes with a reset (RST), as a crashed server's connections end, instead of an orderly FIN. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private void pump(Socket from, Socket to, MessageCounter counter) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16384];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (counter != null) {
                        counter.feed(buffer, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Splits the server's stream into messages (type byte, 4-byte length) and counts ReadyForQuery ('Z'). */
    private final class MessageCounter {
        private final byte[] header = new byte[5];
        private int headerFill;
        private long bodyLeft;

        void feed(byte[] buffer, int length) {
            int i = 0;
            while (i < length) {
                if (bodyLeft > 0) {
                    int skip = (int) Math.min(bodyLeft, length - i);
                    bodyLeft -= skip;
                    i += skip;
                    continue;
                }
                header[headerFill++] = buffer[i++];
                if (headerFill == header.length) {
                    headerFill = 0;
                    bodyLeft = ByteBuffer.wrap(header, 1, 4).getInt() - 4L;
                    if (header[0] == 'Z') {
                        readyForQuery.incrementAndGet();
                    }
                }
            }
        }
    }
}
