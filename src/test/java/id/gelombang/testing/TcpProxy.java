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
 * drops every connection and refuses new ones, as a crashed or unreachable database would;
 * {@link #restore()} accepts connections again on the same port. It also counts the round trips
 * the application makes ({@link #roundTrips()}).
 */
public final class TcpProxy {

    private final int targetPort;
    private final int port;
    /** Every open pair; guarded by {@code this}, like {@link #server}. */
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicLong readyForQuery = new AtomicLong();
    private ServerSocket server;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            this.port = probe.getLocalPort();
        }
        restore();
    }

    public int port() {
        return port;
    }

    /**
     * ReadyForQuery messages PostgreSQL has sent through this proxy: the server sends one when it has
     * answered a simple query or a Sync, i.e. once per round trip the client waited for (BEGIN and
     * COMMIT included; the connections' start-up counts one each).
     */
    public long roundTrips() {
        return readyForQuery.get();
    }

    /** Stops listening, so new connections are refused, and closes every open one. */
    public synchronized void cut() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    public synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress("127.0.0.1", port));
        server = listening;
        Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket database = new Socket("127.0.0.1", targetPort);
                if (register(listening, client, database)) {
                    pump(client, database, null);
                    pump(database, client, new MessageCounter());
                }
            } catch (IOException e) {
                // closed by cut(), or the database refused: the client sees its connection drop
            }
        }
    }

    /**
     * Keeps a new pair, under the lock {@link #cut()} holds: a connection accepted just before a
     * cut is closed, never left open behind it.
     */
    private synchronized boolean register(ServerSocket listening, Socket client, Socket database) throws IOException {
        if (server != listening) {
            client.close();
            database.close();
            return false;
        }
        sockets.add(client);
        sockets.add(database);
        return true;
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
