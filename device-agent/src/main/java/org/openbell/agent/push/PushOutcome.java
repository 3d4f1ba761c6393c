package org.openbell.agent.push;

/**
 * How one push ended: handed to the push service ({@code DELIVERED}: it answered 201, the phone
 * gets it when it can), the subscription is gone ({@code GONE}: 404/410, dropped), refused for
 * good ({@code FAILED}), or given up because the ring it carried ended first ({@code EXPIRED}).
 *
 * @param status    the push service's last HTTP status, 0 if none answered
 * @param attempts  requests made
 * @param latencyMs from the send to the push service's acceptance (or the end)
 */
public record PushOutcome(Kind kind, int status, int attempts, long latencyMs, String detail) {

    public enum Kind { DELIVERED, GONE, FAILED, EXPIRED }
}
