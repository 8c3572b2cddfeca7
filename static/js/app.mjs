import { initAll } from '../nhsuk/nhsuk-frontend.min.js';

initAll();

// Print buttons on letters (no inline script: the content security policy forbids it).
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}

// After a search or a choice the page comes back with focus where the user was working
// (the results, the chosen person), not at the top of the page.
const focusTarget = document.querySelector('[data-focus-on-load]');
if (focusTarget && !document.querySelector('.nhsuk-error-summary')) {
  focusTarget.focus();
}

const timeoutWarning = document.getElementById('timeout-warning');
if (timeoutWarning) {
  const { initTimeoutWarning } = await import('./session-timeout.mjs');
  initTimeoutWarning(timeoutWarning);
}
