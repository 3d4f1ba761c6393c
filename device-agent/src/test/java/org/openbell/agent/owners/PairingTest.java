package org.openbell.agent.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.access.RegistryMessages;

/** Pairing's own rules, with the registrar as a lambda (the broker tests cover the real one). */
class PairingTest {

    @TempDir
    Path dir;
    private final MovingClock clock = new MovingClock();
    private final List<RegistryMessages.Request> sent = new CopyOnWriteArrayList<>();
    private volatile boolean registrarAnswers = true;

    private Pairing pairing() {
        return new Pairing(OwnerStore.open(dir.resolve("owners.json")), new PairingCodes(clock, Duration.ofMinutes(10), 5), request -> {
            sent.add(request);
            return registrarAnswers || request instanceof RegistryMessages.RemoveOwner
                    ? CompletableFuture.completedFuture(new RegistryMessages.Reply(request.requestId(), Optional.empty()))
                    : CompletableFuture.failedFuture(new IllegalStateException("broker unreachable"));
        }, clock);
    }

    @Test
    void anUnansweredPairingKeepsTheCodeAndTakesTheAccountBack() throws Exception {
        Pairing pairing = pairing();
        registrarAnswers = false;
        String code = pairing.newCode().code();
        PairingException failed = assertThrows(PairingException.class, () -> pairing.redeem(code, "Alice"));
        assertEquals(503, failed.status());
        assertEquals(2, sent.size(), "the pairing, then its undo: " + sent);
        var pair = assertInstanceOf(RegistryMessages.PairOwner.class, sent.get(0));
        var undo = assertInstanceOf(RegistryMessages.RemoveOwner.class, sent.get(1));
        assertEquals(pair.ownerId(), undo.ownerId());
        assertTrue(pairing.owners().isEmpty());

        registrarAnswers = true;
        assertEquals("owner.", pairing.redeem(code, "Alice").username().substring(0, 6), "the code was not used up");
        assertEquals(1, pairing.owners().size());
    }

    @Test
    void theButtonPairsOnlyWhileNoPhoneIsPaired() throws Exception {
        Pairing pairing = pairing();
        String claim = pairing.openButtonClaim();
        pairing.buttonPressed();
        var approved = assertInstanceOf(ButtonClaims.Status.Approved.class, pairing.buttonClaim(claim));
        pairing.redeem(approved.code().code(), "First phone");
        assertEquals(403, assertThrows(PairingException.class, pairing::openButtonClaim).status());
    }
}
