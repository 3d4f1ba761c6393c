package org.openbell.agent.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.openbell.agent.call.IceServers;

/**
 * What the owner app reads at {@code GET /api/config}. A page that must pair first (pairing on,
 * not a paired owner's request) gets only who the doorbell is, {@code pairing: required} and
 * {@code buttonPairing}: no broker address and no TURN credentials. Absent fields are left out.
 *
 * @param pairing       {@code off} (an open broker), {@code paired} or {@code required}
 * @param buttonPairing whether pairing by the doorbell button is open now (only for a page that must pair)
 * @param iceServers    STUN/TURN servers with fresh credentials (only for a paired owner)
 * @param brokerUrls    a clustered broker's WebSocket URLs in the order the app tries them ({@code brokerUrl}
 *                      is the first); absent for one broker
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PageConfig(String deviceId, String deviceName, String topicPrefix, String brokerUrl, boolean simulated,
        int protocolVersion, String pairing, Boolean buttonPairing, String ownerAppUrl, String pushKey,
        List<IceServers.ForPage> iceServers, Boolean door, List<String> brokerUrls) {
}
