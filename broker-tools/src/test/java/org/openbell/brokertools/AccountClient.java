package org.openbell.brokertools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** One account's connection: what it receives queues up; publishes report the broker's reason code. */
final class AccountClient implements MqttCallback {
    final MqttAsyncClient mqtt;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    /** Connects as {@code account}; the caller closes {@link #mqtt}. */
    AccountClient(String uri, String account, String password) throws MqttException {
        this(uri, account, password, account + "-" + System.nanoTime(), true);
    }

    /** Connects as {@code account} with {@code clientId}; {@code cleanStart} false resumes (or makes) a persistent session. */
    AccountClient(String uri, String account, String password, String clientId, boolean cleanStart) throws MqttException {
        mqtt = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        mqtt.setCallback(this);
        MqttConnectionOptions options = options(account, password);
        options.setCleanStart(cleanStart);
        if (!cleanStart) {
            options.setSessionExpiryInterval(3600L);
        }
        mqtt.connect(options).waitForCompletion(5000);
    }

    static MqttConnectionOptions options(String user, String pass) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(pass.getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    void subscribe(String filter) throws MqttException {
        mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)}).waitForCompletion(5000);
    }

    void publishExpecting(String topic, String payload, int reasonCode) {
        int code = publish(topic, payload);
        // 16 = accepted, "no matching subscribers": as good as 0 for a permitted publish.
        assertEquals(reasonCode, code == 16 ? 0 : code, "PUBACK for " + payload + " on " + topic);
    }

    /** A publish after the account was removed: refused, or the broker already dropped the connection. */
    void assertRefusedOrDisconnected(String topic) {
        int code = publish(topic, "still-here?");
        assertTrue(code == 135 || code == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED
                || code == MqttClientException.REASON_CODE_CONNECTION_LOST, "after removal: " + code);
    }

    /** Publishes at QoS 1 and returns the broker's reason code (or the client's, if it could not send). */
    private int publish(String topic, String payload) {
        try {
            IMqttToken token = mqtt.publish(topic, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
            token.waitForCompletion(5000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    String next() throws InterruptedException {
        String m = received.poll(5, TimeUnit.SECONDS);
        if (m == null) {
            fail("nothing arrived");
        }
        return m;
    }

    /**
     * Nothing else arrives within 0.7 s. (The tests also publish a permitted message after the
     * forbidden ones and take it with {@link #next()}: delivery is in order, so a leak would have come first.)
     */
    void assertNothingMore() throws InterruptedException {
        String m = received.poll(700, TimeUnit.MILLISECONDS);
        assertEquals(null, m, "received a message it may not read");
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
