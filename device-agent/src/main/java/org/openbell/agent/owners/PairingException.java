package org.openbell.agent.owners;

/** A pairing request that cannot be served: {@code status} is the HTTP status to answer with. */
public final class PairingException extends Exception {

    private final int status;

    public PairingException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
