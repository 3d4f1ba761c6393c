package org.openbell.agent.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ButtonClaimsTest {

    private final MovingClock clock = new MovingClock();
    private final PairingCodes codes = new PairingCodes(clock, Duration.ofMinutes(10), 5);
    private final ButtonClaims claims = new ButtonClaims(clock, codes::issue);

    @Test
    void aPressApprovesTheOneWaitingClaimWithACodeHandedOutOnce() {
        String claim = claims.open();
        assertInstanceOf(ButtonClaims.Status.Waiting.class, claims.status(claim));
        claims.pressed();
        var approved = assertInstanceOf(ButtonClaims.Status.Approved.class, claims.status(claim));
        assertEquals(PairingCodes.Outcome.ACCEPTED, codes.redeem(approved.code().code()), "a real one-time code");
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status(claim), "collected once");
    }

    @Test
    void twoPhonesAskingAtOnceAreBothRefused() {
        String mine = claims.open();
        String theirs = claims.open();
        claims.pressed();
        assertInstanceOf(ButtonClaims.Status.Conflict.class, claims.status(mine));
        assertInstanceOf(ButtonClaims.Status.Conflict.class, claims.status(theirs));
        claims.pressed();
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status(mine), "a later press approves neither");
    }

    @Test
    void aClaimExpiresWithoutAPressAndAPressWithoutAClaimApprovesNothing() {
        claims.pressed();
        String claim = claims.open();
        clock.advance(ButtonClaims.WINDOW);
        claims.pressed();
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status(claim));
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status("made-up"));
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status(null));
    }

    @Test
    void floodingClaimsDropsTheOldestButNeverApprovesMoreThanOne() {
        String first = claims.open();
        for (int i = 0; i < ButtonClaims.MAX_WAITING; i++) {
            claims.open();
        }
        assertInstanceOf(ButtonClaims.Status.Unknown.class, claims.status(first), "dropped");
        claims.pressed();
        String late = claims.open();
        assertInstanceOf(ButtonClaims.Status.Waiting.class, claims.status(late), "opened after the press: still waiting");
    }
}
