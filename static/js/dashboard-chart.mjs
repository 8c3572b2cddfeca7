// The wait dashboard's waiting list by time left, drawn with Chart.js from the figures the
// table beside it shows (the table is the accessible version; the chart is hidden from
// assistive technology). No inline script: the data comes from a json_script element.
const Chart = window.Chart;
const data = JSON.parse(document.getElementById('time-left-data')?.textContent || 'null');
const canvas = document.querySelector('canvas[data-time-left-chart]');
// The NHS identity's red for breached, warm yellow for under an hour, blue for the rest
// and grey for referrals with no target running.
const colours = { breached: '#d5281b', lt_1h: '#ffb81c', none: '#768692' };

if (data && canvas && Chart) {
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: [{ label: 'Open referrals', data: data.counts,
        backgroundColor: data.keys.map((key) => colours[key] || '#005eb8') }],
    },
    options: { maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}
