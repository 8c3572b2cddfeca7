// Refreshes a worklist's table every minute (data-refresh-seconds): fetches the same URL,
// its sort, filters and page included, with `X-Requested-With: fetch` (the view answers
// with the table, its "as at" time and its pages alone), swaps it in and says so in a
// polite live region with the server's time. "Pause updates" stops it (WCAG 2.2.2). Focus
// stays where it is: nothing is swapped while it is inside the table.

const DEFAULT_SECONDS = 60;

export function startQueueRefresh(root = document) {
  const controls = root.querySelector('[data-queue-refresh]');
  const table = root.querySelector('[data-queue-table]');
  if (!controls || !table) return null;
  const button = controls.querySelector('[data-queue-pause]');
  const status = controls.querySelector('[data-queue-status]');
  const seconds = Number.parseInt(controls.dataset.refreshSeconds, 10) || DEFAULT_SECONDS;
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
      const asAt = table.querySelector('[data-as-at] time');
      status.textContent = asAt ? `List updated as at ${asAt.textContent}` : 'List updated';
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
  return window.setInterval(refresh, seconds * 1000);
}

startQueueRefresh();
