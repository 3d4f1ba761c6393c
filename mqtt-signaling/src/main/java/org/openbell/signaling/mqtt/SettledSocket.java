package org.openbell.signaling.mqtt;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * A plain TCP socket whose input stream reports the end of the connection (end of stream or an
 * I/O error) no sooner than {@link #SETTLE_NANOS} after it connected.
 *
 * <p>Why: Paho 1.2.5 starts its receiver thread and then polls, every 100 ms, until it sees it
 * running ({@code CommsReceiver.start}), swallowing interrupts. A broker that accepts and closes at
 * once (a proxy in front of a broker that is down, Mosquitto at {@code max_connections}) ends the
 * receiver before the first poll, and the connecting thread then waits forever: one stranded
 * thread per attempt, until Paho's pool is used up and no attempt runs again. Holding the end
 * back for a moment keeps the receiver visibly running until the poll has seen it.
 */
final class SettledSocket extends Socket {

    static final long SETTLE_NANOS = 400_000_000L;

    private volatile long connectedAt;
    private InputStream in;

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(endpoint, timeout);
        connectedAt = System.nanoTime();
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new Held(super.getInputStream());
        }
        return in;
    }

    private void settle() {
        long wait = connectedAt + SETTLE_NANOS - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Held extends FilterInputStream {
        Held(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b < 0) {
                    settle();
                }
                return b;
            } catch (IOException e) {
                settle();
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int n = super.read(buffer, offset, length);
                if (n < 0) {
                    settle();
                }
                return n;
            } catch (IOException e) {
                settle();
                throw e;
            }
        }
    }
}
