package org.openbell.agent.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which endpoints the doorbell connects to: https, a listed push service, never the home network. */
class PushEndpointsTest {

    /** Names resolve as this table says (no DNS in tests). */
    private static final Map<String, String> DNS = Map.ofEntries(
            Map.entry("fcm.googleapis.com", "142.250.74.106"),
            Map.entry("web.push.apple.com", "17.188.136.150"),
            Map.entry("updates.push.services.mozilla.com", "34.117.65.55"),
            Map.entry("rebound.push.apple.com", "192.168.1.20"), // a listed name pointed at the LAN (DNS rebinding)
            Map.entry("v6.push.apple.com", "fd00::1"),
            Map.entry("mapped.push.apple.com", "::ffff:10.0.0.7"),
            Map.entry("cgnat.push.apple.com", "100.64.1.1"),
            Map.entry("local.push.apple.com", "169.254.1.1"),
            Map.entry("loop.push.apple.com", "127.0.0.1"));

    private final PushEndpoints endpoints = new PushEndpoints(PushConfig.PUBLIC_PUSH_SERVICES, false, PushEndpointsTest::resolve);

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.get(host);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://fcm.googleapis.com/fcm/send/abc:APA91b", "https://web.push.apple.com/QGuQyavXutnMH",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA"})
    void thePublicPushServicesAreAllowed(String endpoint) {
        assertEquals(Optional.empty(), endpoints.problem(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://fcm.googleapis.com/fcm/send/x", // not https
            "https://evil.example.org/push", // not a push service
            "https://fcm.googleapis.com:8443/fcm/send/x", // another port
            "https://push.apple.com.evil.org/x", // a suffix that only looks like one
            "https://192.168.1.1/x", "https://127.0.0.1/x", "https://localhost/x", // addresses, not services
            "https://rebound.push.apple.com/x", "https://v6.push.apple.com/x", "https://mapped.push.apple.com/x",
            "https://cgnat.push.apple.com/x", "https://local.push.apple.com/x", "https://loop.push.apple.com/x",
            "https://gone.push.apple.com/x", // does not resolve
            "https://user@fcm.googleapis.com/x"})
    void everythingElseIsRefused(String endpoint) {
        assertTrue(endpoints.problem(endpoint).isPresent(), endpoint);
    }

    @Test
    void aListedTestServiceOnLoopbackNeedsPrivateNetworksAllowed() {
        Map<String, String> dns = Map.of("localhost", "127.0.0.1");
        PushEndpoints.Resolver r = h -> new InetAddress[] {InetAddress.getByName(dns.get(h))};
        assertTrue(new PushEndpoints(List.of("localhost:8443"), false, r).problem("https://localhost:8443/push/1").orElseThrow()
                .contains("private network"));
        assertEquals(Optional.empty(), new PushEndpoints(List.of("localhost:8443"), true, r).problem("https://localhost:8443/push/1"));
    }

    @Test
    void homeNetworkAddressesAreRecognised() throws Exception {
        for (String ip : List.of("10.1.2.3", "172.16.0.1", "192.168.0.1", "127.0.0.1", "169.254.0.1", "100.100.0.1", "0.0.0.0",
                "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "fd12::3", "64:ff9b::c0a8:0101")) {
            assertTrue(PushEndpoints.isHomeNetwork(InetAddress.getByName(ip)), ip);
        }
        for (String ip : List.of("142.250.74.106", "17.188.136.150", "2a00:1450:4001:80b::200a", "64:ff9b::8efa:4a6a")) {
            assertTrue(!PushEndpoints.isHomeNetwork(InetAddress.getByName(ip)), ip);
        }
    }
}
