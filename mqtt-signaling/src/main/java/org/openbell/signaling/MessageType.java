package org.openbell.signaling;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The message types of protocol v1, their wire names, and their vocabulary: which part of a
 * client handles each ({@link Concern}) and who may send it ({@link Sender}). The same table is in
 * the test vectors ({@code vocabulary}) and in the browser app's protocol module; tests hold all
 * three equal.
 */
public enum MessageType implements WireEnum {
    PRESENCE(Concern.PRESENCE, Sender.DEVICE),
    PRESENCE_REQUEST(Concern.PRESENCE, Sender.OWNER),
    RING(Concern.RING, Sender.DEVICE),
    RING_ENDED(Concern.RING, Sender.DEVICE),
    RING_ANSWER(Concern.RING, Sender.OWNER),
    RING_DECLINE(Concern.RING, Sender.OWNER),
    OFFER(Concern.CALL, Sender.DEVICE),
    ANSWER(Concern.CALL, Sender.OWNER),
    CANDIDATE(Concern.CALL, Sender.DEVICE, Sender.OWNER),
    HANGUP(Concern.CALL, Sender.DEVICE, Sender.OWNER),
    CALL_STATE(Concern.CALL, Sender.DEVICE),
    LIVE_REQUEST(Concern.CALL, Sender.OWNER),
    PUSH_KEY(Concern.PUSH, Sender.DEVICE),
    PUSH_SUBSCRIBE(Concern.PUSH, Sender.OWNER),
    PUSH_UNSUBSCRIBE(Concern.PUSH, Sender.OWNER),
    PUSH_STATUS(Concern.PUSH, Sender.DEVICE),
    HISTORY_REQUEST(Concern.HISTORY, Sender.OWNER),
    HISTORY_DELETE(Concern.HISTORY, Sender.OWNER),
    HISTORY(Concern.HISTORY, Sender.DEVICE),
    SNAPSHOT(Concern.SNAPSHOT, Sender.DEVICE),
    SNAPSHOT_REQUEST(Concern.SNAPSHOT, Sender.OWNER),
    DOOR_OPEN(Concern.DOOR, Sender.OWNER),
    DOOR_STATUS(Concern.DOOR, Sender.DEVICE),
    DOOR_OPENINGS(Concern.DOOR, Sender.DEVICE),
    CAPABILITIES(Concern.CAPABILITIES, Sender.DEVICE),
    REPLY_PLAY(Concern.REPLY, Sender.OWNER),
    REPLY_STATUS(Concern.REPLY, Sender.DEVICE),
    MOTION(Concern.MOTION, Sender.DEVICE),
    MOTION_ALERTS(Concern.MOTION, Sender.OWNER);

    /** Which part of a client a message is for. */
    public enum Concern implements WireEnum {
        /** Whether the doorbell is reachable. */
        PRESENCE,
        /** A ring and its outcome. */
        RING,
        /** A call's signaling ({@link CallMessage}). */
        CALL,
        /** Web Push subscriptions and the doorbell's push key. */
        PUSH,
        /** The doorbell's visit history. */
        HISTORY,
        /** Pictures of who rang. */
        SNAPSHOT,
        /** The door strike. */
        DOOR,
        /** What the doorbell offers (door strike, quick replies). */
        CAPABILITIES,
        /** Quick replies played on the doorbell's speaker. */
        REPLY,
        /** The motion sensor: someone at the door before a press. */
        MOTION
    }

    /** Who may send a message. */
    public enum Sender implements WireEnum {
        DEVICE, OWNER
    }

    private final Concern concern;
    private final Set<Sender> senders;

    MessageType(Concern concern, Sender first, Sender... more) {
        this.concern = concern;
        this.senders = java.util.Collections.unmodifiableSet(EnumSet.of(first, more));
    }

    public Concern concern() {
        return concern;
    }

    public Set<Sender> senders() {
        return senders;
    }

    /** Whether {@code sender} may send this type. */
    public boolean sentBy(Sender sender) {
        return senders.contains(sender);
    }

    public static Optional<MessageType> fromWireName(String name) {
        return WireEnum.parse(MessageType.class, name);
    }
}
