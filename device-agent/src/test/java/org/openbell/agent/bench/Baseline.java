package org.openbell.agent.bench;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import org.openbell.agent.e2e.Chromium;

/**
 * The reference: a browser-to-browser call over the same veth (one Chromium in the door namespace
 * sending a canvas that draws the same pattern and capture-time code as our camera, one in the
 * phone namespace receiving it), measured the same way as ours.
 */
final class Baseline {

    /** Draws the test pattern and the capture-time code (same layout as the synthetic camera) and offers it. */
    private static final String SENDER = """
            <canvas id=c width=640 height=480></canvas>
            <script>
            const c = document.getElementById('c'), g = c.getContext('2d');
            let n = 0;
            function draw() {
              const w = c.width, h = c.height, block = Math.floor(w / 24);
              const grad = g.createLinearGradient(0, 0, w, 0);
              grad.addColorStop(0, '#111'); grad.addColorStop(1, '#ddd');
              g.fillStyle = grad; g.fillRect(0, 0, w, h);
              g.fillStyle = '#fff'; g.fillRect((n * 8) % w, 0, 24, h);
              const code = (2 << 22) | (Date.now() & ((1 << 22) - 1));
              for (let bit = 0; bit < 24; bit++) {
                g.fillStyle = ((code >> (23 - bit)) & 1) ? '#fff' : '#000';
                g.fillRect(bit * block, h - block - 4, block, block);
              }
              n++;
            }
            setInterval(draw, 33); draw();
            window.pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});
            c.captureStream(30).getTracks().forEach(t => pc.addTrack(t));
            </script>""";

    private static final String RECEIVER = "<video id=remote-video autoplay playsinline muted></video>";

    private static final String GATHERED = """
            () => new Promise(resolve => {
              if (pc.iceGatheringState === 'complete') return resolve(pc.localDescription.sdp);
              pc.addEventListener('icegatheringstatechange', () => {
                if (pc.iceGatheringState === 'complete') resolve(pc.localDescription.sdp);
              });
            })""";

    private Baseline() {
    }

    /**
     * Runs {@code rounds} browser-to-browser calls; adds baseline figures. The pages are local files
     * (a secure context) and take the fake microphone first: Chromium offers host candidates only
     * to pages with a media permission.
     */
    static void run(Chromium door, Chromium phone, int rounds, Figures figures) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("openbell-baseline-");
        String senderUrl = java.nio.file.Files.writeString(dir.resolve("sender.html"), SENDER).toUri().toString();
        String receiverUrl = java.nio.file.Files.writeString(dir.resolve("receiver.html"), RECEIVER).toUri().toString();
        for (int round = 0; round < rounds; round++) {
            Page sender = door.phone("baseline-sender");
            Page receiver = phone.phone("baseline-receiver");
            try {
                sender.navigate(senderUrl);
                sender.evaluate("""
                        async () => {
                          await navigator.mediaDevices.getUserMedia({audio: true});
                          await pc.setLocalDescription(await pc.createOffer());
                        }""");
                String offer = (String) sender.evaluate(GATHERED);
                receiver.navigate(receiverUrl);
                receiver.evaluate("async () => { await navigator.mediaDevices.getUserMedia({audio: true}); }");
                receiver.evaluate("""
                        offer => {
                          window.pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});
                          window.first = 0;
                          pc.ontrack = e => {
                            const v = document.getElementById('remote-video');
                            v.srcObject = e.streams[0] || new MediaStream([e.track]);
                            v.requestVideoFrameCallback(() => { window.first = Date.now(); });
                          };
                          window.started = Date.now();
                          return pc.setRemoteDescription({type: 'offer', sdp: offer})
                            .then(() => pc.createAnswer()).then(a => pc.setLocalDescription(a));
                        }""", offer);
                String answer = (String) receiver.evaluate(GATHERED);
                sender.evaluate("answer => pc.setRemoteDescription({type: 'answer', sdp: answer})", answer);
                try {
                    receiver.waitForFunction("() => window.first > 0", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("the baseline call showed no frame: receiver "
                            + receiver.evaluate("() => pc.connectionState + '/' + pc.iceConnectionState + ' video ' + "
                                    + "document.getElementById('remote-video').readyState")
                            + ", sender " + sender.evaluate("() => pc.connectionState + '/' + pc.iceConnectionState")
                            + ", offer candidates " + candidates(offer) + ", answer candidates " + candidates(answer), e);
                }
                figures.add("baseline offer-received-to-first-frame", "ms",
                        ((Number) receiver.evaluate("() => window.first - window.started")).doubleValue());
                @SuppressWarnings("unchecked")
                List<Number> g2g = (List<Number>) receiver.evaluate(GlassToGlass.SCRIPT, 15);
                figures.addAll("baseline glass-to-glass", "ms", g2g);
            } finally {
                sender.context().close();
                receiver.context().close();
            }
        }
    }

    private static List<String> candidates(String sdp) {
        return sdp.lines().filter(l -> l.startsWith("a=candidate")).toList();
    }

    /** Adds the ratio ours / baseline for the medians measured in this run. */
    static void ratios(Figures figures, Map<String, Map<String, Object>> summary) {
        ratio(figures, summary, "glass-to-glass", "baseline glass-to-glass", "glass-to-glass ours / baseline (medians)");
        ratio(figures, summary, "offer-received-to-first-frame", "baseline offer-received-to-first-frame",
                "offer-received-to-first-frame ours / baseline (medians)");
    }

    private static void ratio(Figures figures, Map<String, Map<String, Object>> summary, String oursName, String baseName, String name) {
        Map<String, Object> ours = summary.get(oursName);
        Map<String, Object> base = summary.get(baseName);
        if (ours != null && base != null && ((Number) base.get("median")).doubleValue() > 0) {
            figures.add(name, "x", ((Number) ours.get("median")).doubleValue() / ((Number) base.get("median")).doubleValue());
        }
    }
}
