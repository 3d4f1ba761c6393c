package org.openbell.signaling;

import java.time.Instant;

/**
 * A protocol v1 message (docs/protocol.md). Immutable; every subtype validates itself on
 * construction, so a {@code Message} that exists is a valid one.
 */
public sealed interface Message permits Presence, Ring, RingEnded, RingAnswer, RingDecline, CallMessage,
        PushKey, PushSubscribe, PushUnsubscribe, PushStatus, HistoryRequest, HistoryDelete, History,
        Snapshot, SnapshotRequest, DoorOpen, DoorStatus, Capabilities, ReplyPlay, ReplyStatus, Motion, MotionAlerts, DoorOpenings, PresenceRequest {

    /** The doorbell the message is from or for. */
    String deviceId();

    /** When the sender created it (millisecond precision). */
    Instant at();

    MessageType type();
}
