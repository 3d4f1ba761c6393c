// The local demo page: presses the simulated button and shows the doorbell's state.
const $ = (id) => document.getElementById(id);

async function press() {
  $('press-result').textContent = '';
  try {
    const response = await fetch('/api/simulate/press', { method: 'POST' });
    if (response.status === 202) {
      $('press-result').textContent = 'Ding-dong! Owners are being rung.';
    } else {
      const body = await response.json().catch(() => ({}));
      $('press-result').textContent = body.error ?? `The doorbell refused (HTTP ${response.status}).`;
    }
  } catch (e) {
    $('press-result').textContent = `Cannot reach the doorbell: ${e.message}`;
  }
}

async function motion() {
  $('press-result').textContent = '';
  try {
    const response = await fetch('/api/simulate/motion', { method: 'POST' });
    const body = await response.json().catch(() => ({}));
    $('press-result').textContent = response.status === 202 ? 'Someone walks up: the camera starts.'
      : body.error ?? `The doorbell refused (HTTP ${response.status}).`;
  } catch (e) {
    $('press-result').textContent = `Cannot reach the doorbell: ${e.message}`;
  }
}

async function poll() {
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    const status = await response.json();
    $('device-state').dataset.state = status.state;
    $('device-state').textContent = status.state === 'RINGING'
      ? `Ringing (${status.presses} press${status.presses === 1 ? '' : 'es'})` : status.state.toLowerCase();
    $('board').textContent = status.board;
    const last = status.lastRing ? `Last ring: ${status.lastRing.outcome}${status.lastRing.by ? ` by ${status.lastRing.by}` : ''}.` : '';
    $('broker-state').textContent = `${status.mqttConnected ? 'Connected to the broker.' : 'Not connected to the broker (the chime still works).'} ${last}`;
  } catch {
    $('device-state').dataset.state = 'unknown';
    $('device-state').textContent = 'unreachable';
  }
}

$('press').addEventListener('click', press);
$('motion').addEventListener('click', motion);
poll();
setInterval(poll, 500);
