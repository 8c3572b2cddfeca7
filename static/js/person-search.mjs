// The call form's person search without reloading the page: the Search button (or Enter
// in a search box) sends the form as it would, and only the results are swapped in, so
// nothing typed about the call is touched. Anything but results (a search the server
// refuses, a session that has ended) falls back to the ordinary full-page search, which
// keeps the call typed too (cap.views.log_call).
const FRAGMENT_HEADER = 'fetch'; // X-Requested-With, as cap.views expects

// What was searched fills the empty fields of who the call is about, as the full-page
// search does (cap.views._typed_so_far; WCAG 2.2 3.3.7, redundant entry): find-<name> to <name>.
function carrySearchIntoTheCall(form) {
  for (const searched of form.querySelectorAll('[name^="find-"]')) {
    const into = form.elements.namedItem(searched.name.slice('find-'.length));
    if (into instanceof HTMLInputElement && !into.value && searched.value) into.value = searched.value;
  }
}

for (const form of document.querySelectorAll('form[data-person-search]')) {
  const results = form.querySelector('[data-person-search-results]');
  let fullPage = false;

  form.addEventListener('submit', async (event) => {
    const button = event.submitter;
    if (fullPage || !results || !button || button.name !== 'action' || button.value !== 'search') return;
    event.preventDefault();
    const body = new FormData(form);
    body.set('action', 'search');
    let response = null;
    try {
      response = await fetch(form.getAttribute('action') || window.location.href, {
        method: 'POST', body, credentials: 'same-origin',
        headers: { 'X-Requested-With': FRAGMENT_HEADER },
      });
    } catch {
      response = null;
    }
    if (!response || !response.ok || response.redirected) {
      fullPage = true;
      form.requestSubmit(button);
      return;
    }
    results.innerHTML = await response.text();
    carrySearchIntoTheCall(form);
    const found = results.querySelector('#search-results');
    if (found) found.focus();
  });
}
