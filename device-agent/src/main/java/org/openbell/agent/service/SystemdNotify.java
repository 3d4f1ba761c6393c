package org.openbell.agent.service;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Tells systemd how the service is doing ({@code sd_notify(3)}): {@code READY=1}, {@code STATUS=...},
 * {@code WATCHDOG=1}, {@code STOPPING=1}, as datagrams on the socket named by {@code $NOTIFY_SOCKET}.
 * The JDK has no Unix datagram sockets, so this calls libc through the foreign function API (no
 * libsystemd needed). Outside systemd ({@code $NOTIFY_SOCKET} unset) there is nothing to tell.
 */
public final class SystemdNotify {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_BYTES = 108;

    /**
     * The libc functions, bound on first use (a JVM without a native linker fails only there, and
     * {@link #send} reports false). {@code size_t}/{@code ssize_t} are 32 bits on armhf and 64 bits on
     * arm64/amd64: sendto is bound with the platform's size and adapted to long here.
     */
    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LOOKUP = LINKER.defaultLookup();
        static final MethodHandle SOCKET = function("socket",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle SENDTO = sendto();
        static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        private static MethodHandle sendto() {
            MemoryLayout size = LINKER.canonicalLayouts().get("size_t");
            MethodHandle handle = function("sendto", FunctionDescriptor.of(size,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            return MethodHandles.explicitCastArguments(handle, MethodType.methodType(long.class,
                    int.class, MemorySegment.class, long.class, int.class, MemorySegment.class, int.class));
        }

        private static MethodHandle function(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LOOKUP.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name)), descriptor);
        }
    }

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, if the process runs under systemd with Type=notify. */
    public static Optional<SystemdNotify> fromEnvironment() {
        return of(System.getenv("NOTIFY_SOCKET"));
    }

    /** A notifier for {@code socket} (a path, or {@code @name} for the abstract namespace); empty if null or blank. */
    public static Optional<SystemdNotify> of(String socket) {
        if (socket == null || socket.isBlank()) {
            return Optional.empty();
        }
        if (socket.getBytes(StandardCharsets.UTF_8).length >= SUN_PATH_BYTES) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is longer than a Unix socket path may be: " + socket);
        }
        return Optional.of(new SystemdNotify(socket));
    }

    /** Sends {@code state} (newline-separated {@code KEY=value} lines); false if it could not be sent. */
    public boolean send(String state) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                byte[] path = socket.getBytes(StandardCharsets.UTF_8);
                boolean abstractName = path[0] == '@';
                MemorySegment address = arena.allocate(2 + SUN_PATH_BYTES); // struct sockaddr_un, zeroed
                address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(path, abstractName ? 1 : 0, address, ValueLayout.JAVA_BYTE, abstractName ? 3 : 2,
                        abstractName ? path.length - 1 : path.length);
                int length = 2 + path.length + (abstractName ? 0 : 1); // abstract: '\0' + name, no terminator
                byte[] text = state.getBytes(StandardCharsets.UTF_8);
                MemorySegment message = arena.allocateFrom(ValueLayout.JAVA_BYTE, text);
                long sent = (long) Libc.SENDTO.invokeExact(fd, message, (long) text.length, MSG_NOSIGNAL, address, length);
                return sent == text.length;
            } finally {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
            }
        } catch (Throwable e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "SystemdNotify[" + socket + "]";
    }
}
