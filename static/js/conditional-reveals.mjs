// The NHS.UK radios "with conditional content" tell assistive technology which radio
// reveals what by aria-controls; the design system's script also sets aria-expanded on
// each radio, which ARIA does not allow on a radio (axe: aria-allowed-attr), and which
// GOV.UK Frontend dropped for that reason (screen readers announced it confusingly).
// Removed here whenever it is set; the reveal itself is the design system's.
const stripExpanded = (input) => input.removeAttribute('aria-expanded');
const observer = new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.target.hasAttribute('aria-expanded')) stripExpanded(change.target);
  }
});
for (const input of document.querySelectorAll(
  '[data-module="nhsuk-radios"] input[type="radio"][aria-controls], '
  + '[data-module="nhsuk-radios"] input[type="radio"][data-aria-controls]')) {
  stripExpanded(input);
  observer.observe(input, { attributes: true, attributeFilter: ['aria-expanded'] });
}
