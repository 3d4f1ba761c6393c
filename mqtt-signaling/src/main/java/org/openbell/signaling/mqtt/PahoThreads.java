package org.openbell.signaling.mqtt;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one Paho connection, without Paho's start-up naps.
 *
 * <p>Paho 1.2.5 starts its callback, sender and receiver threads one after the other, and after
 * each hands its thread to the executor it checks once whether the thread already runs and, if
 * not (it never does that soon), sleeps 100 ms before checking again
 * ({@code CommsCallback/CommsSender/CommsReceiver.start}; upstream
 * eclipse-paho/paho.mqtt.java#945, open). Every connection attempt waited ~300 ms for nothing:
 * at start-up, and at each reconnect while a ring waits in the outbox.
 *
 * <p>Each of those components is the very {@code Runnable} Paho submits, while holding the
 * component's own lifecycle lock. This executor marks it running at that moment (the state its
 * thread sets first thing once it gets the lock), so the check that follows succeeds at once.
 * If the task then never runs (the connection is dropped first), Paho's {@code stop()} does not
 * wait for it: it waits only while the target state is also running, and stop sets that to
 * stopped. If a later Paho changes these internals, {@link #available()} is false, the
 * executor submits as any other does (connections then take the naps again) and the start-up log says so once.
 */
final class PahoThreads extends ScheduledThreadPoolExecutor {

    private static final Logger log = LoggerFactory.getLogger(PahoThreads.class);
    private static final String INTERNAL = "org.eclipse.paho.mqttv5.client.internal.";
    private static final Map<Class<?>, Starter> STARTERS = starters();

    private final AtomicInteger marked = new AtomicInteger();

    PahoThreads(int threads, ThreadFactory factory) {
        super(threads, factory);
    }

    /** Whether this Paho's components can be marked running (else connections take Paho's naps). */
    static boolean available() {
        return !STARTERS.isEmpty();
    }

    /** How many Paho components this executor marked running (three per connection). */
    int marked() {
        return marked.get();
    }

    @Override
    public Future<?> submit(Runnable task) {
        Starter starter = STARTERS.get(task.getClass());
        if (starter == null) {
            return super.submit(task);
        }
        Object lifecycle = starter.lifecycle(task);
        synchronized (lifecycle) { // Paho holds it already: taken again so no thread can run the task before it is marked
            Future<?> future = super.submit(task);
            starter.markRunning(task);
            marked.incrementAndGet();
            return future;
        }
    }

    /** How to mark one Paho component running: its lifecycle lock, its current state, the RUNNING constant. */
    private record Starter(Field lifecycle, Field currentState, Object running) {

        Object lifecycle(Object component) {
            try {
                return lifecycle.get(component);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        void markRunning(Object component) {
            try {
                currentState.set(component, running);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Map<Class<?>, Starter> starters() {
        try {
            Map<Class<?>, Starter> starters = new java.util.HashMap<>();
            for (String name : new String[] {"CommsCallback", "CommsSender", "CommsReceiver"}) {
                Class<?> component = Class.forName(INTERNAL + name);
                Field lifecycle = component.getDeclaredField("lifecycle");
                Field currentState = component.getDeclaredField("current_state");
                lifecycle.setAccessible(true);
                currentState.setAccessible(true);
                Object running = null;
                for (Object constant : currentState.getType().getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals("RUNNING")) {
                        running = constant;
                    }
                }
                if (running == null) {
                    throw new NoSuchFieldException(name + ".State.RUNNING");
                }
                starters.put(component, new Starter(lifecycle, currentState, running));
            }
            return Map.copyOf(starters);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("This Paho's threads cannot be started without its 100 ms naps ({}): each MQTT connection takes ~300 ms longer",
                    e.toString());
            return Map.of();
        }
    }
}
