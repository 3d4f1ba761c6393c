package org.openbell.signaling.mqtt;

/** The broker refused a publish (a PUBACK reason code of 0x80 or more, e.g. 135 not authorized). */
public final class PublishRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int reasonCode;

    public PublishRejectedException(String topic, int reasonCode) {
        super("broker refused the publish to " + topic + " with reason code " + reasonCode);
        this.reasonCode = reasonCode;
    }

    public int reasonCode() {
        return reasonCode;
    }
}
