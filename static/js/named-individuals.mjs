// Named individuals on the triage decision (templates/triage/_named_individuals.html):
// only the chosen team's people show, filtered by what is typed. The other teams' boxes
// are disabled, not only hidden, so a name ticked under a team no longer chosen is not
// sent (the server refuses people outside the team chosen in any case).
for (const picker of document.querySelectorAll('[data-named-individuals]')) {
  const team = picker.querySelector('select');
  const filter = picker.querySelector('[data-named-filter]');
  const filterBox = filter.querySelector('input');
  const none = picker.querySelector('[data-named-none]');
  const nobody = picker.querySelector('[data-named-nobody]');
  const groups = [...picker.querySelectorAll('[data-team]')];

  const show = () => {
    const chosen = team.value;
    const typed = filterBox.value.trim().toLowerCase();
    let shown = 0;
    for (const group of groups) {
      const ours = group.dataset.team === chosen;
      group.hidden = !ours;
      for (const item of group.querySelectorAll('[data-name]')) {
        const input = item.querySelector('input');
        input.disabled = !ours;
        const matches = ours && (!typed || item.dataset.name.includes(typed));
        // A ticked person stays in view while filtering: what is chosen is never hidden.
        item.hidden = !(matches || (ours && input.checked));
        if (!item.hidden) shown += 1;
      }
    }
    filter.hidden = !chosen;
    none.hidden = Boolean(chosen);
    nobody.hidden = !chosen || shown > 0;
  };

  team.addEventListener('change', show);
  filterBox.addEventListener('input', show);
  // Enter in the filter box would send the whole decision: it only filters.
  filterBox.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
  show();
}
