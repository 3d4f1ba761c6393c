package org.openbell.agent.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.openbell.agent.owners.Owner;
import org.openbell.agent.owners.Pairing;
import org.openbell.signaling.ClientIds;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.MosquittoPasswords;
import org.openbell.signaling.access.RegistryMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the embedded broker, and for what, when it is not open to anyone: the same accounts
 * and permissions as the access list generated for Mosquitto ({@link BrokerAccess}).
 * <ul>
 *   <li>the agent itself as {@code doorbell.<id>}, with a password made fresh at every start and
 *       only on the loopback TCP listener;</li>
 *   <li>each paired phone as {@code owner.<id>}, checked against the password hash kept when it
 *       paired; it may read this doorbell's presence, rings and its own call topic and write only
 *       its own command topic, never a retained message;</li>
 *   <li>no one else: anonymous clients and wrong passwords get CONNACK 134 (bad user name or password).</li>
 * </ul>
 * It is also the pairing {@link Pairing.Registry} for this broker: pairing an owner adds their hash,
 * removing one drops it and disconnects the owner's connections at once.
 */
public final class EmbeddedBrokerAccounts implements Pairing.Registry {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBrokerAccounts.class);
    static final String DEVICE_LISTENER = "device";

    private final Topics topics;
    private final String deviceId;
    private final String devicePassword = MosquittoPasswords.newPassword();
    private final Map<String, String> ownerHashes = new ConcurrentHashMap<>();
    /** Connected owners' client ids, so a removed owner can be disconnected. */
    private final Map<String, String> ownerClients = new ConcurrentHashMap<>();

    public EmbeddedBrokerAccounts(Topics topics, String deviceId, Collection<Owner> owners) {
        this.topics = topics;
        this.deviceId = deviceId;
        owners.forEach(o -> ownerHashes.put(o.id(), o.passwordHash()));
    }

    /** The agent's own account name. */
    public String deviceUsername() {
        return BrokerAccess.DOORBELL_PREFIX + deviceId;
    }

    /** The agent's own password, valid until the agent stops. */
    public String devicePassword() {
        return devicePassword;
    }

    @Override
    public CompletableFuture<RegistryMessages.Reply> ask(RegistryMessages.Request request) {
        switch (request) {
            case RegistryMessages.PairOwner pair -> ownerHashes.put(pair.ownerId(), pair.passwordHash());
            case RegistryMessages.RemoveOwner remove -> {
                ownerHashes.remove(remove.ownerId());
                disconnect(remove.ownerId());
            }
        }
        return CompletableFuture.completedFuture(new RegistryMessages.Reply(request.requestId(), Optional.empty()));
    }

    private void disconnect(String ownerId) {
        int[] connections = {0};
        ownerClients.forEach((clientId, owner) -> {
            if (owner.equals(ownerId)) {
                ownerClients.remove(clientId);
                Services.clientService().disconnectClient(clientId, false, DisconnectReasonCode.NOT_AUTHORIZED,
                        "this phone was removed from the doorbell");
                connections[0]++;
            }
        });
        log.info("Removed owner {} from the embedded broker ({} connection(s) closed)", ownerId, connections[0]);
    }

    /** The extension that enforces these accounts inside HiveMQ. */
    ExtensionMain extension() {
        return new ExtensionMain() {
            @Override
            public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) EmbeddedBrokerAccounts.this::authenticate);
                Services.eventRegistry().setClientLifecycleEventListener(in -> new Disconnects());
            }

            @Override
            public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            }
        };
    }

    /**
     * The extension of a broker open to anyone (embeddedBroker.anonymous, a LAN demo): everyone may
     * connect and use every topic, but only the agent (on the loopback listener) may be the
     * doorbell's session or leave retained messages, so a stranger can neither throw the doorbell
     * off nor fill the agent's memory with retained messages.
     */
    static ExtensionMain openToAnyone(String deviceId) {
        return new ExtensionMain() {
            @Override
            public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) (auth, out) -> {
                    String listener = auth.getConnectionInformation().getListener().map(Listener::getName).orElse("");
                    String clientId = auth.getClientInformation().getClientId();
                    boolean agent = listener.equals(DEVICE_LISTENER);
                    if (!agent && clientId.equals(ClientIds.device(deviceId))) {
                        refuseClientId(out, auth.getConnectPacket().getUserName().orElse("(anonymous)"), clientId);
                        return;
                    }
                    ModifiableDefaultPermissions permissions = out.getDefaultPermissions();
                    permissions.add(Builders.topicPermission().topicFilter("#").type(TopicPermission.PermissionType.ALLOW)
                            .activity(TopicPermission.MqttActivity.PUBLISH)
                            .retain(agent ? TopicPermission.Retain.ALL : TopicPermission.Retain.NOT_RETAINED).build());
                    permissions.add(Builders.topicPermission().topicFilter("#").type(TopicPermission.PermissionType.ALLOW)
                            .activity(TopicPermission.MqttActivity.SUBSCRIBE).build());
                    permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
                    out.authenticateSuccessfully();
                });
            }

            @Override
            public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            }
        };
    }

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        var connect = input.getConnectPacket();
        String username = connect.getUserName().orElse("");
        Optional<String> password = connect.getPassword().map(EmbeddedBrokerAccounts::text);
        String listener = input.getConnectionInformation().getListener().map(Listener::getName).orElse("");
        if (username.isEmpty() || password.isEmpty()) {
            refuse(output, "anonymous connections are refused: pair this phone first");
            return;
        }
        String clientId = input.getClientInformation().getClientId();
        if (username.equals(deviceUsername()) && listener.equals(DEVICE_LISTENER)
                && MessageDigest.isEqual(password.get().getBytes(StandardCharsets.UTF_8), devicePassword.getBytes(StandardCharsets.UTF_8))) {
            if (!clientId.equals(ClientIds.device(deviceId))) {
                refuseClientId(output, username, clientId);
                return;
            }
            allow(output, BrokerAccess.doorbellGrants(topics, deviceId), TopicPermission.Retain.ALL);
            return;
        }
        if (ClientIds.device(deviceId).equals(clientId)) {
            // Only the agent may be the doorbell's session: whoever else asks for it is refused
            // before the doorbell is thrown off or its queued commands are handed over.
            refuseClientId(output, username, clientId);
            return;
        }
        if (username.startsWith(BrokerAccess.OWNER_PREFIX)) {
            String ownerId = username.substring(BrokerAccess.OWNER_PREFIX.length());
            String hash = ownerHashes.get(ownerId);
            if (hash != null && MosquittoPasswords.matches(password.get(), hash)) {
                if (!ClientIds.ownerMayUse(ownerId, clientId)) {
                    refuseClientId(output, username, clientId);
                    return;
                }
                ownerClients.put(input.getClientInformation().getClientId(), ownerId);
                allow(output, BrokerAccess.ownerGrants(topics, ownerId, deviceId), TopicPermission.Retain.NOT_RETAINED);
                return;
            }
        }
        refuse(output, "wrong user name or password");
    }

    private static void refuseClientId(SimpleAuthOutput output, String username, String clientId) {
        log.warn("Refused {} connecting as client id {}: not this account's (docs/protocol.md, Sessions)",
                LogSafe.text(username), LogSafe.text(clientId));
        output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "this client id belongs to another account");
    }

    private static void refuse(SimpleAuthOutput output, String why) {
        output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, why);
    }

    private static void allow(SimpleAuthOutput output, List<BrokerAccess.Grant> grants, TopicPermission.Retain retain) {
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        for (BrokerAccess.Grant grant : grants) {
            permissions.add(Builders.topicPermission()
                    .topicFilter(grant.topicFilter())
                    .type(TopicPermission.PermissionType.ALLOW)
                    .activity(grant.write() ? TopicPermission.MqttActivity.PUBLISH : TopicPermission.MqttActivity.SUBSCRIBE)
                    .retain(grant.write() ? retain : TopicPermission.Retain.ALL)
                    .build());
        }
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        output.authenticateSuccessfully();
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.asReadOnlyBuffer()).toString();
    }

    /** Forgets an owner's client id when that connection ends. */
    private final class Disconnects implements ClientLifecycleEventListener {
        @Override
        public void onMqttConnectionStart(ConnectionStartInput input) {
        }

        @Override
        public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
        }

        @Override
        public void onDisconnect(DisconnectEventInput input) {
            // A client that reconnected with the same id (session take-over) is still connected: keep it.
            String clientId = input.getClientInformation().getClientId();
            if (ownerClients.containsKey(clientId)) {
                Services.clientService().isClientConnected(clientId).thenAccept(connected -> {
                    if (!connected) {
                        ownerClients.remove(clientId);
                    }
                });
            }
        }
    }
}
