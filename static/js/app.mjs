import { initAll } from '../nhsuk/nhsuk-frontend.min.js';

initAll();

// Print buttons on letters (no inline script: the content security policy forbids it).
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}
