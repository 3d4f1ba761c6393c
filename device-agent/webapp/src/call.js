// The owner's side of a call: answers the device's WebRTC offer, shows the door camera, plays the
// visitor, sends the owner's microphone (mute and push-to-talk), and reports stats.
const $ = (id) => document.getElementById(id);

export class Call {
  /**
   * @param {object} o
   * @param {(message: object) => void} o.send  publishes a protocol message to the device
   * @param {object[]} o.iceServers              from /api/config
   * @param {(text: string) => void} o.onEnded   told once when the call is over
   * @param {boolean} [o.microphone]             open the microphone at once (a call); false for a live
   *                                             view: it opens only when the owner chooses to talk
   */
  constructor({ deviceId, sessionId, send, iceServers, onEnded, microphone = true }) {
    this.microphoneAtStart = microphone;
    this.offerReceivedAt = performance.now(); // for benchmarks: offer received to first frame, as the baseline measures
    this.deviceId = deviceId;
    this.sessionId = sessionId;
    this.send = send;
    this.onEnded = onEnded;
    this.pending = [];
    this.ended = false;
    this.micTrack = null;
    this.framesDecoded = 0;
    this.statsTimer = null;
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        this.send({
          type: 'candidate', deviceId, sessionId, candidate: e.candidate.candidate,
          sdpMid: e.candidate.sdpMid ?? '0', sdpMLineIndex: e.candidate.sdpMLineIndex ?? 0, at: Date.now(),
        });
      }
    };
    this.pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      if (e.track.kind === 'video') {
        $('remote-video').srcObject = stream;
        $('remote-video').play().catch(() => {});
        $('remote-video').requestVideoFrameCallback?.(() => {
          this.firstFrameAt = performance.now();
        });
      } else {
        $('remote-audio').srcObject = new MediaStream([e.track]);
        // Outside the Answer tap, iPhone Safari may refuse to play: then a visible button does it.
        $('remote-audio').play().then(() => { $('tap-to-hear').hidden = true; }).catch((err) => {
          console.warn(`the door's sound did not start: ${err.name}`);
          $('tap-to-hear').hidden = false;
        });
        this.remoteAudio = e.track;
      }
    };
    this.pc.onconnectionstatechange = () => this.showState(this.pc.connectionState);
    $('call-screen').hidden = false;
    $('call-screen').dataset.sessionId = sessionId;
    this.showState('connecting');
  }

  showState(state) {
    $('call-screen').dataset.state = state;
    // A live view says plainly whether the door can hear the owner.
    const connected = this.microphoneAtStart ? 'Live' : this.micTrack?.enabled ? 'Live view · the door hears you'
      : 'Live view · the door cannot hear you';
    $('call-state').textContent = {
      connecting: 'Connecting…', new: 'Connecting…', connected, disconnected: 'Reconnecting…',
      failed: 'Connection failed', closed: 'Call ended',
    }[state] ?? state;
    if (state === 'connected' && !this.statsTimer) {
      this.statsTimer = setInterval(() => this.updateStats(), 1000);
    }
  }

  async onOffer(sdp) {
    if (this.pc.remoteDescription) {
      await this.onRenegotiation(sdp);
      return;
    }
    try {
      // In parallel: a microphone permission prompt must not hold up the video. The answer
      // offers to send audio; the microphone's track joins when (if) the owner allows it.
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      const audio = this.pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
      if (audio) {
        audio.direction = 'sendrecv';
      }
      this.audioSender = audio?.sender;
      if (this.microphoneAtStart) {
        this.attachMicrophone();
      } else {
        this.setMuted(true); // a live view: the door hears nothing until the owner talks
        $('mute').disabled = false;
        $('ptt').disabled = false;
      }
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ type: 'answer', deviceId: this.deviceId, sessionId: this.sessionId, sdp: answer.sdp, at: Date.now() });
      for (const c of this.pending.splice(0)) {
        await this.pc.addIceCandidate(c);
      }
    } catch (e) {
      console.error('call setup failed', e);
      this.hangup('media-failed');
    }
  }

  /** A new offer during the call: the doorbell restarts ICE after the network path broke. Same call, new answer. */
  async onRenegotiation(sdp) {
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ type: 'answer', deviceId: this.deviceId, sessionId: this.sessionId, sdp: answer.sdp, at: Date.now() });
      this.iceRestarts = (this.iceRestarts ?? 0) + 1;
    } catch (e) {
      console.error('renegotiation failed', e);
      this.hangup('media-failed');
    }
  }

  async openMicrophone() {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      this.micTrack = stream.getAudioTracks()[0];
      if (this.ended) {
        this.micTrack.stop();
        return;
      }
      $('mic-note').hidden = true;
      $('mute').disabled = false;
      $('ptt').disabled = false;
    } catch (e) {
      // Plain words, and controls that match: without a microphone there is nothing to mute.
      const why = {
        NotAllowedError: 'The microphone was not allowed',
        NotFoundError: 'This phone has no microphone',
        NotReadableError: 'The microphone is in use by another app',
      }[e.name] ?? 'The microphone could not be opened';
      $('mic-note').hidden = false;
      $('mic-note').textContent = `${why}: you see and hear the visitor, but they cannot hear you.`
        + (e.name === 'NotAllowedError' ? ' Allow the microphone in the browser\'s site settings to talk.' : '');
      $('mute').disabled = true;
      $('ptt').disabled = true;
    }
  }

  async onCandidate(message) {
    const candidate = { candidate: message.candidate, sdpMid: message.sdpMid, sdpMLineIndex: message.sdpMLineIndex };
    if (!this.pc.remoteDescription) {
      this.pending.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (e) {
      console.warn('bad candidate from the device', e);
    }
  }

  /** A live view became a ring's call (the owner answered in place): the owner talks now. */
  becomeCall() {
    this.microphoneAtStart = true;
    this.setMuted(false);
  }

  /** Opens the microphone (once) and sends it to the door. */
  attachMicrophone() {
    this.microphoneOpening ??= this.openMicrophone().then(async () => {
      if (this.audioSender && this.micTrack && !this.ended) {
        await this.audioSender.replaceTrack(this.micTrack);
        this.micTrack.enabled = $('mute').getAttribute('aria-pressed') !== 'true';
        if (this.pc.connectionState === 'connected') {
          this.showState('connected');
        }
      }
    }).catch((e) => console.warn('microphone not attached', e));
    return this.microphoneOpening;
  }

  setMuted(muted) {
    if (!muted && !this.micTrack) {
      this.attachMicrophone(); // a live view's first talk: only now does the browser ask for the microphone
    }
    if (this.micTrack) {
      this.micTrack.enabled = !muted;
    }
    $('mute').setAttribute('aria-pressed', String(muted));
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
    if (this.pc.connectionState === 'connected') {
      this.showState('connected');
    }
  }

  async updateStats() {
    const report = await this.pc.getStats();
    let video = null;
    let rtt = null;
    const codecs = new Map();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        video = s;
      } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
        rtt = s.currentRoundTripTime;
      } else if (s.type === 'codec') {
        codecs.set(s.id, s.mimeType.replace(/^video\//, ''));
      }
    });
    if (video) {
      this.framesDecoded = video.framesDecoded ?? 0;
      const parts = [codecs.get(video.codecId) ?? '?', `${video.frameWidth ?? '?'}×${video.frameHeight ?? '?'}`,
        `${Math.round(video.framesPerSecond ?? 0)} fps`];
      if (rtt !== null && rtt !== undefined) {
        parts.push(`RTT ${Math.round(rtt * 1000)} ms`);
      }
      $('call-stats').textContent = parts.join(' · ');
    }
  }

  /**
   * Glass-to-glass latency samples (ms): reads the capture-time code the synthetic camera draws
   * along the bottom edge (24 blocks: marker 1,0 then ms modulo 2^22) from decoded frames and
   * compares it with this machine's clock. Benchmarks only; needs the synthetic camera.
   */
  async glassToGlass(samples = 30) {
    const video = $('remote-video');
    const canvas = document.createElement('canvas');
    const results = [];
    await new Promise((resolve) => {
      const onFrame = () => {
        const now = Date.now();
        const w = video.videoWidth;
        const h = video.videoHeight;
        if (w > 0 && h > 0) {
          canvas.width = w;
          canvas.height = h;
          const g = canvas.getContext('2d', { willReadFrequently: true });
          g.drawImage(video, 0, 0, w, h);
          const block = Math.floor(w / 24);
          const row = g.getImageData(0, h - block - 4 + Math.floor(block / 2), w, 1).data;
          let code = 0;
          for (let bit = 0; bit < 24; bit++) {
            const x = bit * block + Math.floor(block / 2);
            code = code * 2 + (row[x * 4] > 128 ? 1 : 0);
          }
          if (code >>> 22 === 2) {
            const stamp = code & ((1 << 22) - 1);
            const latency = (((now % (1 << 22)) - stamp) + (1 << 22)) % (1 << 22);
            if (latency < 10_000) {
              results.push(latency);
            }
          }
        }
        if (results.length >= samples) {
          resolve();
        } else {
          video.requestVideoFrameCallback(onFrame);
        }
      };
      video.requestVideoFrameCallback(onFrame);
      setTimeout(resolve, 20_000);
    });
    return results;
  }

  /**
   * Talk-back probe (benchmarks): replaces the microphone with tone bursts (250 ms every second,
   * after a quiet second) and returns when each burst started on this machine's clock; the
   * doorbell reports when it heard each one start (stats audioInOnsets).
   */
  async talkBackProbe(count = 5) {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const context = new AudioContext();
    await context.resume();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = 700;
    const gain = context.createGain();
    gain.gain.value = 0;
    const destination = context.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    const transceiver = this.pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
    const previous = transceiver.sender.track;
    await transceiver.sender.replaceTrack(destination.stream.getAudioTracks()[0]);
    await sleep(1000);
    const starts = [];
    for (let i = 0; i < count; i++) {
      gain.gain.setValueAtTime(0.8, context.currentTime);
      starts.push(Date.now());
      await sleep(250);
      gain.gain.setValueAtTime(0, context.currentTime);
      await sleep(750);
    }
    await transceiver.sender.replaceTrack(previous);
    oscillator.stop();
    await context.close();
    return starts;
  }

  /**
   * Doorbell-to-owner talk-back probe (benchmarks): listens to the visitor's audio for `ms` and
   * returns when sound started after at least 300 ms of quiet, on this machine's clock. The
   * doorbell's simulated microphone reports when each of its bursts started
   * (GET /api/simulate/microphone).
   */
  async listenProbe(ms = 5000) {
    if (!this.remoteAudio) {
      return [];
    }
    const context = new AudioContext();
    await context.resume();
    const source = context.createMediaStreamSource(new MediaStream([this.remoteAudio]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 256; // 5 ms at 48 kHz: the newest samples only
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const onsets = [];
    let quietSince = null;
    let loud = false;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) {
          sum += v * v;
        }
        const now = Date.now();
        if (Math.sqrt(sum / samples.length) >= 0.02) {
          if (!loud && quietSince !== null && now - quietSince >= 300) {
            onsets.push(now);
          }
          loud = true;
        } else if (loud || quietSince === null) {
          loud = false;
          quietSince = now;
        }
      }, 2);
      setTimeout(() => {
        clearInterval(timer);
        resolve();
      }, ms);
    });
    await context.close();
    return onsets;
  }

  /** The visitor's audio as received here: average jitter buffer delay (ms) and concealment; diagnostics. */
  async audioInFigures() {
    const report = await this.pc.getStats();
    let figures = { jitterBufferMs: 0, concealedSamples: 0, samplesReceived: 0 };
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.jitterBufferEmittedCount > 0) {
        figures = {
          jitterBufferMs: (1000 * s.jitterBufferDelay) / s.jitterBufferEmittedCount,
          targetMs: (1000 * s.jitterBufferTargetDelay) / s.jitterBufferEmittedCount,
          concealedSamples: s.concealedSamples,
          samplesReceived: s.totalSamplesReceived,
        };
      }
    });
    return figures;
  }

  /** The loudest frequency (Hz) of the visitor's audio over ~1.5 s, and its level (0-255); for tests and diagnostics. */
  async dominantHz() {
    if (!this.remoteAudio) {
      return { hz: 0, level: 0 };
    }
    const context = new AudioContext();
    await context.resume();
    const source = context.createMediaStreamSource(new MediaStream([this.remoteAudio]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096;
    source.connect(analyser);
    // Sample for 1.5 s and keep the loudest moment: speech (and test bursts) come and go.
    const bins = new Uint8Array(analyser.frequencyBinCount);
    let best = 0;
    let bestLevel = 0;
    for (let t = 0; t < 30; t++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      analyser.getByteFrequencyData(bins);
      for (let i = 1; i < bins.length; i++) {
        if (bins[i] > bestLevel) {
          bestLevel = bins[i];
          best = i;
        }
      }
    }
    const result = { hz: (best * context.sampleRate) / analyser.fftSize, level: bestLevel };
    await context.close();
    return result;
  }

  /** The owner hangs up (or setup failed here). */
  hangup(reason = 'normal') {
    if (!this.ended) {
      this.send({ type: 'hangup', deviceId: this.deviceId, sessionId: this.sessionId, reason, at: Date.now() });
    }
    this.end(reason === 'normal' ? 'You hung up' : 'The call failed');
  }

  /** Ends locally: the device hung up, reported the call ended, or we did. */
  end(text) {
    if (this.ended) {
      return;
    }
    this.ended = true;
    clearInterval(this.statsTimer);
    this.micTrack?.stop();
    this.pc.close();
    $('remote-video').srcObject = null;
    $('remote-audio').srcObject = null;
    $('call-screen').dataset.state = 'closed';
    $('call-screen').hidden = true;
    this.onEnded(text);
  }
}

