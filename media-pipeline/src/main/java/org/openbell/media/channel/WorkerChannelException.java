package org.openbell.media.channel;

/** A line on the worker channel that is not a valid request or event; the message quotes it escaped. */
public final class WorkerChannelException extends IllegalArgumentException {

    WorkerChannelException(String message) {
        super(message);
    }

    WorkerChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
