// The page's keyboard shortcuts, from the list the page shows
// (templates/components/keyboard_shortcuts.html; why Alt+Shift: cap/keyboard.py).
// A field or a radio group is focused (the chosen radio, else the first); a button or a
// link is pressed.
const list = document.querySelector('[data-shortcuts]');
if (list) {
  const shortcuts = new Map();
  for (const row of list.querySelectorAll('[data-shortcut-key]')) {
    shortcuts.set(row.dataset.shortcutKey, row);
  }
  const form = document.querySelector('form[method="post"]');
  const typedAtLoad = form ? new URLSearchParams(new FormData(form)).toString() : '';

  document.addEventListener('keydown', (event) => {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    // By the key's place, not its character: Alt+Shift+S types a character on some layouts.
    const letter = event.code.startsWith('Key') ? event.code.slice(3).toLowerCase() : '';
    const row = shortcuts.get(letter);
    if (!row) return;
    const targets = [...document.querySelectorAll(row.dataset.shortcutTarget)];
    if (!targets.length) return;
    event.preventDefault();
    const typed = form && new URLSearchParams(new FormData(form)).toString() !== typedAtLoad;
    if (row.dataset.shortcutConfirm && typed && !window.confirm(row.dataset.shortcutConfirm)) return;
    const target = targets.find((input) => input.checked) || targets[0];
    if (target.matches('button, a, input[type="submit"]')) {
      target.click();
    } else {
      target.focus();
    }
  });
}
