package org.openbell.agent.service;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** systemd's end of the notify socket, for tests: a bound Unix datagram socket (libc through the FFM API). */
final class NotifyReceiver implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final int MSG_DONTWAIT = 0x40;

    final Path path;
    private final int fd;

    NotifyReceiver(Path path) throws Throwable {
        this.path = path;
        Files.deleteIfExists(path);
        fd = (int) SOCKET.invokeExact(1, 2, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(110);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) 1);
            byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 2, bytes.length);
            if ((int) BIND.invokeExact(fd, address, 2 + bytes.length + 1) != 0) {
                throw new IllegalStateException("bind " + path + " failed");
            }
        }
    }

    /** The datagrams that arrive within {@code millis}, until one contains {@code until}. */
    List<String> receiveUntil(String until, long millis) throws Throwable {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + millis * 1_000_000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096);
            while (System.nanoTime() < deadline) {
                long n = (long) RECV.invokeExact(fd, buffer, 4096L, MSG_DONTWAIT);
                if (n > 0) {
                    String text = new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                    got.add(text);
                    if (text.contains(until)) {
                        return got;
                    }
                } else {
                    Thread.sleep(10);
                }
            }
        }
        return got;
    }

    @Override
    public void close() throws Exception {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // closing a test socket
        }
        Files.deleteIfExists(path);
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
