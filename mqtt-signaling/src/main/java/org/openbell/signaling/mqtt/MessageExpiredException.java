package org.openbell.signaling.mqtt;

/** A queued message's deadline passed before it could be sent; it was dropped. */
public final class MessageExpiredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MessageExpiredException(String message) {
        super(message);
    }
}
