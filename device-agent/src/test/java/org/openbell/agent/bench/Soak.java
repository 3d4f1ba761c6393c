package org.openbell.agent.bench;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench --soak RINGS CALLS}: many rings (press, shown on the page, declined) then
 * many calls (answered, connected, hung up) against one agent process with the embedded broker,
 * the phone in Chromium in its own namespace. Samples the agent's and the spare media worker's
 * resident memory and threads as it goes, and reports the least-squares slope of each: what a
 * doorbell that rings for months would grow by.
 */
final class Soak {

    private static final double WAIT_MS = 30_000;

    /** One sample: how many rings and calls so far, and what the processes held then. */
    record Sample(int rings, int calls, double agentRssMiB, int agentThreads, double workerRssMiB, int workerThreads) {
    }

    private Soak() {
    }

    static Map<String, Object> run(Page page, AgentProcess agent, int rings, int calls) throws Exception {
        List<Sample> samples = new ArrayList<>();
        int ringEvery = Math.max(1, rings / 50);
        int callEvery = Math.max(1, calls / 50);
        samples.add(sample(agent, 0, 0));
        long started = System.nanoTime();
        for (int i = 1; i <= rings; i++) {
            agent.press();
            page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            page.locator("#decline").click();
            Bench.waitIdle(agent);
            if (i % ringEvery == 0) {
                samples.add(sample(agent, i, 0));
            }
        }
        double ringSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        for (int i = 1; i <= calls; i++) {
            agent.press();
            page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            page.locator("#answer").click();
            page.locator("#call-screen[data-state=connected]")
                    .waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            page.locator("#hangup").click();
            Bench.waitIdle(agent);
            if (i % callEvery == 0) {
                Thread.sleep(300); // the next spare worker is up
                samples.add(sample(agent, rings, i));
            }
        }
        double callSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        List<Sample> ringPhase = samples.stream().filter(s -> s.calls() == 0).toList();
        List<Sample> callPhase = samples.stream().filter(s -> s.rings() == rings).toList();
        report.put("rings", rings);
        report.put("calls", calls);
        report.put("ring phase seconds", Math.round(ringSeconds));
        report.put("call phase seconds", Math.round(callSeconds));
        report.put("agent RSS MiB per 1000 rings", slope(ringPhase, s -> s.rings(), Sample::agentRssMiB) * 1000);
        report.put("agent threads per 1000 rings", slope(ringPhase, s -> s.rings(), s -> s.agentThreads()) * 1000);
        report.put("agent RSS MiB per 100 calls", slope(callPhase, s -> s.calls(), Sample::agentRssMiB) * 100);
        report.put("agent threads per 100 calls", slope(callPhase, s -> s.calls(), s -> s.agentThreads()) * 100);
        report.put("spare worker RSS MiB per 100 calls", slope(callPhase, s -> s.calls(), Sample::workerRssMiB) * 100);
        // The same slopes without the first fifth of each phase, where the heap grows to its
        // working size and the ring and call code is loaded and compiled: the long-run growth.
        List<Sample> ringsWarm = ringPhase.subList(ringPhase.size() / 5, ringPhase.size());
        List<Sample> callsWarm = callPhase.subList(callPhase.size() / 5, callPhase.size());
        report.put("agent RSS MiB per 1000 rings, after warm-up", slope(ringsWarm, s -> s.rings(), Sample::agentRssMiB) * 1000);
        report.put("agent RSS MiB per 100 calls, after warm-up", slope(callsWarm, s -> s.calls(), Sample::agentRssMiB) * 100);
        report.put("agent threads per 100 calls, after warm-up", slope(callsWarm, s -> s.calls(), s -> s.agentThreads()) * 100);
        report.put("agent RSS MiB first/last", samples.getFirst().agentRssMiB() + " / " + samples.getLast().agentRssMiB());
        report.put("agent threads first/last", samples.getFirst().agentThreads() + " / " + samples.getLast().agentThreads());
        report.put("samples", samples);
        return report;
    }

    private static Sample sample(AgentProcess agent, int rings, int calls) throws IOException {
        long worker = ProcessHandle.of(agent.pid()).orElseThrow().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("WorkerMain")).mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        double workerRss = -1;
        int workerThreads = -1;
        if (worker > 0) {
            try {
                workerRss = AgentProcess.rssMiB(worker);
                workerThreads = threads(worker);
            } catch (IOException e) {
                // being recycled
            }
        }
        return new Sample(rings, calls, AgentProcess.rssMiB(agent.pid()), threads(agent.pid()), workerRss, workerThreads);
    }

    static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no Threads for " + pid);
    }

    /** Least-squares slope of y over x. */
    static double slope(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> x, java.util.function.ToDoubleFunction<Sample> y) {
        List<Sample> usable = samples.stream().filter(s -> y.applyAsDouble(s) >= 0).toList();
        int n = usable.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = usable.stream().mapToDouble(x).average().orElseThrow();
        double my = usable.stream().mapToDouble(y).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (Sample s : usable) {
            num += (x.applyAsDouble(s) - mx) * (y.applyAsDouble(s) - my);
            den += (x.applyAsDouble(s) - mx) * (x.applyAsDouble(s) - mx);
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
