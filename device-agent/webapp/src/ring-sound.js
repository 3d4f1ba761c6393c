// A two-tone "ding-dong" made with WebAudio (no audio files). Browsers only allow sound after the
// user has touched the page once, so unlock() is called on the first tap anywhere.

let context = null;

export function unlocked() {
  return context !== null && context.state === 'running';
}

export async function unlock() {
  if (!context) {
    const AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) {
      return false;
    }
    context = new AudioContextClass();
  }
  if (context.state !== 'running') {
    try {
      await context.resume();
    } catch {
      return false;
    }
  }
  return context.state === 'running';
}

function tone(frequency, start, length) {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(start);
  oscillator.stop(start + length + 0.05);
}

/** Plays ding-dong once; silently does nothing until sound is unlocked. */
export function dingDong() {
  if (!unlocked()) {
    return false;
  }
  const now = context.currentTime;
  tone(659.25, now, 0.6);       // E5
  tone(523.25, now + 0.45, 0.9); // C5
  return true;
}
