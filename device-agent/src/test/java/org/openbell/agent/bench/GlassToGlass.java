package org.openbell.agent.bench;

/** The page-side reader of the capture-time code, for pages that are not the owner app (the baseline). */
final class GlassToGlass {

    /** {@code n => Promise<number[]>}: latency samples from #remote-video, as the owner app's Call.glassToGlass. */
    static final String SCRIPT = """
            samples => new Promise(resolve => {
              const video = document.getElementById('remote-video');
              const canvas = document.createElement('canvas');
              const results = [];
              const onFrame = () => {
                const now = Date.now(), w = video.videoWidth, h = video.videoHeight;
                if (w > 0 && h > 0) {
                  canvas.width = w; canvas.height = h;
                  const g = canvas.getContext('2d', {willReadFrequently: true});
                  g.drawImage(video, 0, 0, w, h);
                  const block = Math.floor(w / 24);
                  const row = g.getImageData(0, h - block - 4 + Math.floor(block / 2), w, 1).data;
                  let code = 0;
                  for (let bit = 0; bit < 24; bit++) code = code * 2 + (row[(bit * block + Math.floor(block / 2)) * 4] > 128 ? 1 : 0);
                  if (code >>> 22 === 2) {
                    const latency = (((now % (1 << 22)) - (code & ((1 << 22) - 1))) + (1 << 22)) % (1 << 22);
                    if (latency < 10000) results.push(latency);
                  }
                }
                if (results.length >= samples) resolve(results); else video.requestVideoFrameCallback(onFrame);
              };
              video.requestVideoFrameCallback(onFrame);
              setTimeout(() => resolve(results), 20000);
            })""";

    private GlassToGlass() {
    }
}
