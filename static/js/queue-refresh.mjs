// Refreshes a triage queue's table every minute: fetches the same URL with
// `X-Requested-With: fetch` (the view answers with the table alone), swaps it in and
// says so in a polite live region. "Pause updates" stops it (WCAG 2.2.2).

const INTERVAL_MS = 60_000;

function hhmm(date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
}

export function startQueueRefresh(root = document) {
  const controls = root.querySelector('[data-queue-refresh]');
  const table = root.querySelector('[data-queue-table]');
  if (!controls || !table) return null;
  const button = controls.querySelector('[data-queue-pause]');
  const status = controls.querySelector('[data-queue-status]');
  let paused = false;

  async function refresh() {
    // Swapping the table under someone working in it would lose their place.
    if (paused || document.hidden || table.contains(document.activeElement)) return;
    try {
      const response = await fetch(window.location.href, {
        headers: { 'X-Requested-With': 'fetch' }, credentials: 'same-origin', cache: 'no-store',
      });
      // A redirect means the session ended: leave the list as it is.
      if (!response.ok || response.redirected) return;
      // The request renewed the session's idle timeout: restart the warning's timer.
      document.dispatchEvent(new CustomEvent('cap:session-renewed'));
      const html = await response.text();
      if (paused) return;
      table.innerHTML = html;
      status.textContent = `List updated ${hhmm(new Date())}`;
    } catch {
      // Offline for a moment: try again at the next interval.
    }
  }

  button.hidden = false;
  button.addEventListener('click', () => {
    paused = !paused;
    button.textContent = paused ? 'Resume updates' : 'Pause updates';
    status.textContent = paused ? 'Updates paused' : 'Updates resumed';
    if (!paused) refresh();
  });
  return window.setInterval(refresh, INTERVAL_MS);
}

startQueueRefresh();
