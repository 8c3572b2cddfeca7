// XmR charts in the NHS "Making Data Count" style, drawn with Chart.js from the figures
// the page's tables already show (the tables are the accessible version; the charts are
// hidden from assistive technology).
const Chart = window.Chart;
const data = JSON.parse(document.getElementById('chart-data')?.textContent || '{}');
const grey = '#768692';
const blue = '#005eb8';
const orange = '#ed8b00';

function line(label, value, count, colour, dash) {
  return { type: 'line', label, data: Array(count).fill(value), borderColor: colour,
    borderDash: dash, pointRadius: 0, borderWidth: 1.5, fill: false };
}

for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
  const d = data[canvas.dataset.chart];
  if (!d || !Chart) continue;
  const n = d.labels.length;
  const special = new Set(d.special);
  const datasets = [{
    type: 'line', label: 'Share met in time (%)', data: d.values, borderColor: grey, spanGaps: true,
    pointBackgroundColor: d.values.map((_, i) => (special.has(i) ? orange : grey)),
    pointRadius: d.values.map((_, i) => (special.has(i) ? 5 : 3)),
  }];
  if (d.mean !== null) {
    datasets.push(line('Mean', d.mean, n, 'black', []));
    datasets.push(line('Upper process limit', d.upper, n, grey, [6, 4]));
    datasets.push(line('Lower process limit', d.lower, n, grey, [6, 4]));
  }
  datasets.push(line(`Target (${d.target}%)`, d.target, n, '#d5281b', [2, 2]));
  new Chart(canvas, {
    data: { labels: d.labels, datasets },
    options: { maintainAspectRatio: false, animation: false,
      scales: { y: { suggestedMin: 0, suggestedMax: 100 } } },
  });
}

const outcomes = JSON.parse(document.getElementById('outcome-data')?.textContent || 'null');
const outcomeCanvas = document.querySelector('canvas[data-outcomes]');
if (outcomes && outcomeCanvas && Chart) {
  new Chart(outcomeCanvas, {
    type: 'bar',
    data: { labels: outcomes.map((o) => o.label),
      datasets: [{ label: 'Contacts', data: outcomes.map((o) => o.contacts), backgroundColor: blue }] },
    options: { maintainAspectRatio: false, animation: false, indexAxis: 'y' },
  });
}
