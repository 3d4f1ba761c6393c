package org.openbell.hardware;

/** The configured hardware cannot be opened (no GPIO chip, no permission, not a Pi...). */
public final class HardwareUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HardwareUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
