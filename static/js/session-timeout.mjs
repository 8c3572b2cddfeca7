// The timeout warning (NHS/GOV.UK pattern): two minutes before the idle timeout a modal
// dialog says so, counts down, and offers "Stay signed in". A screen reader hears it when
// it opens, at one minute left, and when the session has ended. Every request renews the
// idle timeout, so the timer restarts on page load and when another script has made one.
const WARN_BEFORE = 120; // seconds

export function initTimeoutWarning(dialog) {
  const idle = Number(dialog.dataset.idleSeconds);
  if (!idle || typeof dialog.showModal !== 'function') return;
  const countdown = dialog.querySelector('[data-timeout-countdown]');
  const announce = dialog.querySelector('[data-timeout-announce]');
  const title = dialog.querySelector('#timeout-title');
  const message = dialog.querySelector('#timeout-message');
  const stayForm = dialog.querySelector('[data-timeout-stay-form]');
  const signIn = dialog.querySelector('[data-timeout-sign-in]');
  let deadline;
  let tick;

  const words = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? '' : 's'}`;
    }
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  };

  function restart() {
    deadline = Date.now() + idle * 1000;
    if (dialog.open) dialog.close();
  }

  function ended() {
    clearInterval(tick);
    title.textContent = 'You have been signed out';
    message.textContent = 'To protect people\'s information you were signed out. Sign in again to carry on: '
      + 'if you send a form from this page, what you typed is kept and shown again after you sign in.';
    announce.textContent = 'You have been signed out.';
    stayForm.hidden = true;
    signIn.hidden = false;
    signIn.href = dialog.dataset.loginUrl;
  }

  function open() {
    dialog.showModal();
    announce.textContent = `You will be signed out in ${words(WARN_BEFORE)} if you do nothing.`;
    tick = setInterval(() => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = words(left);
      if (left === 60) announce.textContent = 'You will be signed out in 1 minute.';
      if (left === 0) ended();
    }, 1000);
  }

  stayForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(stayForm.action, {
        method: 'POST', body: new FormData(stayForm), credentials: 'same-origin',
        headers: { 'X-Requested-With': 'fetch' }, redirect: 'manual',
      });
      if (!response.ok) { ended(); return; }
      clearInterval(tick);
      restart();
    } catch {
      // Offline: leave the warning up; the user can try again.
    }
  });
  // Esc answers the dialog as "Stay signed in" (once signed out, it leaves it up).
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    if (!stayForm.hidden) stayForm.requestSubmit();
  });

  document.addEventListener('cap:session-renewed', () => { clearInterval(tick); restart(); });
  restart();
  setInterval(() => {
    if (!dialog.open && Date.now() >= deadline - WARN_BEFORE * 1000) open();
  }, 1000);
}
