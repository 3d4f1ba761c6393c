package org.openbell.agent.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.agent.call.SimulatedSound;
import org.openbell.agent.webrtc.Namespaces;

/** One round of scripts/bench, so the benchmark never rots: it must produce every figure (how fast is not asserted). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BenchSmokeTest {

    @Test
    void oneRoundProducesEveryFigure() throws Exception {
        String unavailable = Namespaces.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        assumeTrue(SimulatedSound.unavailableReason() == null, SimulatedSound.unavailableReason());
        Map<String, Object> report = Bench.run(1, 1, false, false);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> figures = (Map<String, Map<String, Object>>) report.get("figures");
        for (String name : List.of("agent start-to-ready", "agent RSS idle", "press-to-ring (embedded broker)",
                "answer-to-first-frame", "live-view tap-to-first-frame", "glass-to-glass", "talk-back latency owner to doorbell", "talk-back latency doorbell to owner",
                "doorbell jitter buffer (owner audio)", "owner jitter buffer (doorbell audio)", "agent live heap idle",
                "agent live heap growth after 1 calls", "agent RSS idle (Mosquitto, no embedded broker)",
                "agent CPU per call-minute", "worker CPU per call-minute",
                "agent RSS in call", "worker RSS in call", "agent RSS growth after 1 calls", "press-to-ring (Mosquitto)",
                "press-to-push-sent (10 phones, Mosquitto)", "press-to-notification-shown (locked phone, Chromium)",
                "MQTT new client to first message acked (MqttLink)", "baseline MQTT new client to first message acked (Paho's threads)",
                "baseline offer-received-to-first-frame", "baseline glass-to-glass", "glass-to-glass ours / baseline (medians)")) {
            assertTrue(figures.containsKey(name), "missing figure " + name + " in " + figures.keySet());
            Object median = figures.get(name).get("median");
            assertTrue(median instanceof Number, name + " has no median: " + figures.get(name));
        }
        assertTrue(((Number) figures.get("press-to-ring (embedded broker)").get("median")).doubleValue() >= 0,
                "a ring cannot be shown before the press");
        System.out.println(report.get("table"));
    }
}
