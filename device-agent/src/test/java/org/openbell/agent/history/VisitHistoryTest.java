package org.openbell.agent.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.ring.RingSnapshot;
import org.openbell.agent.ring.RingState;
import org.openbell.signaling.History;
import org.openbell.signaling.HistoryDelete;
import org.openbell.signaling.HistoryRequest;
import org.openbell.signaling.Message;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Visit;

/** The visit history: what a ring leaves behind, its bounds, its file across restarts, and owners reading and deleting it. */
class VisitHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private VisitHistory open(Instant now, int maxVisits) {
        return VisitHistory.open(dir.resolve("visits.json"), new AgentConfig.HistoryConfig(maxVisits, Duration.ofDays(30)),
                Clock.fixed(now, ZoneOffset.UTC), "front-door");
    }

    /** The ring controller's transition to an outcome, as it reports it. */
    private static void ended(VisitHistory history, String ringId, Instant pressedAt, int presses, RingEnded.Outcome outcome,
            Optional<String> by) {
        RingState to = switch (outcome) {
            case ANSWERED -> RingState.ANSWERED;
            case DECLINED -> RingState.DECLINED;
            case TIMED_OUT -> RingState.TIMED_OUT;
        };
        RingEnded e = new RingEnded("front-door", ringId, pressedAt.plusSeconds(5), outcome, by);
        history.onTransition(RingState.RINGING, to, new RingSnapshot(to, Optional.of(ringId), presses, Optional.of(e),
                Optional.of(pressedAt)));
    }

    @Test
    void everyEndedRingIsKeptNewestFirstAndSurvivesARestart() {
        try (VisitHistory history = open(T0, 200)) {
            ended(history, "r1", T0.minusSeconds(600), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
            ended(history, "r2", T0.minusSeconds(300), 3, RingEnded.Outcome.ANSWERED, Optional.of("alice"));
            ended(history, "r3", T0.minusSeconds(60), 1, RingEnded.Outcome.DECLINED, Optional.of("bob"));
            // Transitions that are not an outcome leave nothing.
            history.onTransition(RingState.IDLE, RingState.RINGING, new RingSnapshot(RingState.RINGING, Optional.of("r4"), 1,
                    Optional.empty(), Optional.of(T0)));
        }
        try (VisitHistory again = open(T0, 200)) {
            assertEquals(List.of(
                    new Visit("r3", T0.minusSeconds(60), 1, RingEnded.Outcome.DECLINED, Optional.of("bob")),
                    new Visit("r2", T0.minusSeconds(300), 3, RingEnded.Outcome.ANSWERED, Optional.of("alice")),
                    new Visit("r1", T0.minusSeconds(600), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty())), again.visits());
        }
    }

    @Test
    void theHistoryIsBoundedByCountAndByAge() {
        try (VisitHistory history = open(T0, 3)) {
            for (int i = 0; i < 5; i++) {
                ended(history, "r" + i, T0.minusSeconds(100 - i), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
            }
            assertEquals(List.of("r4", "r3", "r2"), history.visits().stream().map(Visit::ringId).toList());
        }
        // Thirty-one days later the same file holds nothing younger than 30 days.
        try (VisitHistory later = open(T0.plus(Duration.ofDays(31)), 3)) {
            assertEquals(List.of(), later.visits());
        }
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheHistoryStartsEmpty() throws Exception {
        Files.writeString(dir.resolve("visits.json"), "{\"visits\": [tru", StandardCharsets.UTF_8);
        try (VisitHistory history = open(T0, 200)) {
            assertEquals(List.of(), history.visits());
            assertTrue(Files.exists(dir.resolve("visits.json.unreadable")), "the bad file kept for a person to look at");
            ended(history, "r1", T0, 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
        }
        try (VisitHistory again = open(T0, 200)) {
            assertEquals(1, again.visits().size(), "a new history after the bad one");
        }
    }

    @Test
    void aBadEntryIsLeftOutAndTheRestKept() throws Exception {
        Files.writeString(dir.resolve("visits.json"), """
                {"visits":[{"ringId":"r1","at":%d,"presses":1,"outcome":"timed-out"},
                           {"ringId":"r/2","at":%d,"presses":1,"outcome":"timed-out"},
                           {"ringId":"r3","at":%d,"presses":1,"outcome":"answered"}]}""".formatted(
                T0.toEpochMilli(), T0.toEpochMilli(), T0.toEpochMilli()), StandardCharsets.UTF_8);
        try (VisitHistory history = open(T0, 200)) {
            assertEquals(List.of("r1"), history.visits().stream().map(Visit::ringId).toList(),
                    "a bad id, and an answered ring naming nobody, are left out");
        }
    }

    @Test
    void ownersReadTheHistoryAndDeleteFromItAndEachGetsItsOwnReply() {
        try (VisitHistory history = open(T0, 200)) {
            ended(history, "r1", T0.minusSeconds(60), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
            ended(history, "r2", T0.minusSeconds(30), 1, RingEnded.Outcome.ANSWERED, Optional.of("alice"));
            List<Map.Entry<String, Message>> replies = new ArrayList<>();
            history.ownerMessage("bob", new HistoryRequest("front-door", "q1", T0), (owner, m) -> replies.add(Map.entry(owner, m)));
            history.ownerMessage("alice", new HistoryDelete("front-door", "q2", List.of("r2", "not-there"), T0),
                    (owner, m) -> replies.add(Map.entry(owner, m)));
            assertEquals("bob", replies.get(0).getKey());
            History first = assertInstanceOf(History.class, replies.get(0).getValue());
            assertEquals("q1", first.requestId());
            assertEquals(List.of("r2", "r1"), first.visits().stream().map(Visit::ringId).toList());
            assertEquals("alice", replies.get(1).getKey());
            History afterDelete = assertInstanceOf(History.class, replies.get(1).getValue());
            assertEquals("q2", afterDelete.requestId());
            assertEquals(List.of("r1"), afterDelete.visits().stream().map(Visit::ringId).toList());
        }
        try (VisitHistory again = open(T0, 200)) {
            assertEquals(List.of("r1"), again.visits().stream().map(Visit::ringId).toList(), "the deletion was saved");
        }
    }

    /** A flood of history requests must not fill the MQTT outbox with replies (a full outbox drops its oldest message: maybe a ring). */
    @Test
    void aFloodOfHistoryRequestsGetsFewRepliesAndDeletionsStillApply() throws Exception {
        try (VisitHistory history = open(T0, 200)) {
            ended(history, "r1", T0.minusSeconds(60), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
            ended(history, "r2", T0.minusSeconds(30), 1, RingEnded.Outcome.TIMED_OUT, Optional.empty());
            List<Map.Entry<String, Message>> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 1000; i++) {
                history.ownerMessage("mallory", new HistoryRequest("front-door", "q" + i, T0), (o, m) -> replies.add(Map.entry(o, m)));
            }
            history.ownerMessage("mallory", new HistoryDelete("front-door", "d1", List.of("r1"), T0), (o, m) -> replies.add(Map.entry(o, m)));
            assertEquals(1, replies.size(), "one reply at once to 1001 requests");
            assertEquals(List.of("r2"), history.visits().stream().map(Visit::ringId).toList(), "the deletion applies at once");
            // The rest are answered by one more reply, once it is due, naming the latest request.
            for (int i = 0; i < 30 && replies.size() < 2; i++) {
                Thread.sleep(100);
            }
            assertEquals(2, replies.size(), "one more when due");
            History second = (History) replies.get(1).getValue();
            assertEquals("d1", second.requestId());
            assertEquals(List.of("r2"), second.visits().stream().map(Visit::ringId).toList());

            // Owner ids made up on an open broker: five replies a second in all, at most MAX_WAITING owners wait, the rest refused.
            replies.clear();
            for (int i = 0; i < 1000; i++) {
                history.ownerMessage("o" + i, new HistoryRequest("front-door", "p" + i, T0), (o, m) -> replies.add(Map.entry(o, m)));
            }
            assertTrue(replies.size() <= VisitHistory.REPLIES_PER_SECOND, replies.size() + " replies at once to 1000 owners");
            assertTrue(history.refusedRequests() >= 1000 - VisitHistory.REPLIES_PER_SECOND - VisitHistory.MAX_WAITING,
                    "refused: " + history.refusedRequests());
        }
    }

    /** The app asks when it connects and again after a ring ends, often within a second: the second gets its reply a little later, never none. */
    @Test
    void aSecondRequestWithinTheSpacingIsAnsweredWhenDue() throws Exception {
        try (VisitHistory history = open(T0, 200)) {
            List<Map.Entry<String, Message>> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
            history.ownerMessage("dave", new HistoryRequest("front-door", "q1", T0), (o, m) -> replies.add(Map.entry(o, m)));
            ended(history, "r1", T0.minusSeconds(1), 1, RingEnded.Outcome.DECLINED, Optional.of("dave"));
            history.ownerMessage("dave", new HistoryRequest("front-door", "q2", T0), (o, m) -> replies.add(Map.entry(o, m)));
            assertEquals(1, replies.size());
            for (int i = 0; i < 30 && replies.size() < 2; i++) {
                Thread.sleep(100);
            }
            assertEquals(2, replies.size(), "the second request answered once due");
            History second = (History) replies.get(1).getValue();
            assertEquals("q2", second.requestId());
            assertEquals(List.of("r1"), second.visits().stream().map(Visit::ringId).toList(), "with the ring that ended meanwhile");
        }
    }

    @Test
    void repliesToOneOwnerAreASecondApartAndFivePerSecondInAll() {
        try (VisitHistory history = open(T0, 200)) {
            long s = 1_000_000_000L;
            assertEquals(0, history.waitBeforeReply("alice", 10 * s));
            assertEquals(s / 2, history.waitBeforeReply("alice", 10 * s + s / 2), "alice again within a second: half a second to wait");
            assertEquals(0, history.waitBeforeReply("alice", 11 * s + 1));
            for (int i = 0; i < 4; i++) {
                assertEquals(0, history.waitBeforeReply("owner" + i, 11 * s + 2 + i), "owner" + i);
            }
            assertTrue(history.waitBeforeReply("owner9", 11 * s + 10) > 0, "the sixth reply in that second waits");
            assertEquals(0, history.waitBeforeReply("owner9", 12 * s + 20), "the next second");
        }
    }
}
