// Arrgus panel script: progressive enhancement only (every page works without it). Served by Arrgus with a CSP that
// forbids inline script; log text is only ever inserted with textContent, never as HTML.

function localiseTimes() {
  for (const t of document.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!Number.isNaN(d.getTime())) {
      t.title = `${t.textContent} UTC`;
      t.textContent = d.toLocaleString();
    }
  }
}

const MAX_LINES = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escape sequences is the point.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])/g;

function startTail(root) {
  const list = root.querySelector('#tail-lines');
  const state = root.querySelector('#tail-state');
  const pause = root.querySelector('#tail-pause');
  const filter = root.querySelector('#tail-filter');
  const highlight = root.querySelector('#tail-highlight');
  const base = root.dataset.base || '';
  let paused = false;
  let held = [];
  let dropped = 0;

  const shown = (text) => !filter.value || text.toLowerCase().includes(filter.value.toLowerCase());
  const marked = (text) => highlight.value && text.toLowerCase().includes(highlight.value.toLowerCase());

  // Reads both the panel's stream and the API's `/api/logs/stream` shape (`raw`, `issue`, ISO time).
  function normal(rec) {
    return {
      time: rec.time,
      level: rec.level,
      source: rec.source,
      // ANSI colour codes stay out of the page (the text is inserted as text either way).
      text: String(rec.text ?? rec.raw ?? rec.message ?? '').replace(ANSI, ''),
      issueId: rec.issueId ?? rec.issue ?? null,
    };
  }

  function render(rec) {
    const li = document.createElement('li');
    li.className = `lv-${/^[a-z]+$/.test(rec.level) ? rec.level : 'info'}`;
    li.dataset.text = rec.text;
    li.textContent = `${new Date(rec.time).toLocaleTimeString()} ${rec.source} ${rec.text}`;
    if (rec.issueId) {
      const a = document.createElement('a');
      a.href = `${base}/issues/${encodeURIComponent(rec.issueId)}`;
      a.textContent = ' issue';
      li.append(a);
    }
    li.hidden = !shown(rec.text);
    if (marked(rec.text)) li.classList.add('mark');
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(li);
    while (list.children.length > MAX_LINES) list.firstElementChild.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function refilter() {
    for (const li of list.children) {
      const text = li.dataset.text || '';
      li.hidden = !shown(text);
      li.classList.toggle('mark', Boolean(marked(text)));
    }
  }
  filter.addEventListener('input', refilter);
  highlight.addEventListener('input', refilter);

  function status() {
    state.textContent = `${paused ? `paused, ${held.length} waiting` : 'live'}${dropped ? ` · ${dropped} lines skipped (too fast)` : ''}`;
  }

  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      for (const r of held) render(r);
      held = [];
    }
    status();
  });

  const es = new EventSource(root.dataset.stream);
  const ready = () => {
    root.dataset.ready = 'true';
    status();
  };
  es.addEventListener('ready', ready);
  es.addEventListener('open', ready);
  es.addEventListener('record', (ev) => {
    const rec = normal(JSON.parse(ev.data));
    if (paused) {
      held.push(rec);
      if (held.length > MAX_LINES) held.shift();
      status();
    } else render(rec);
  });
  es.addEventListener('dropped', (ev) => {
    dropped += Number(ev.data) || 0;
    status();
  });
  es.addEventListener('error', () => {
    root.dataset.ready = 'false';
    state.textContent = 'reconnecting…';
  });
}

document.addEventListener('DOMContentLoaded', () => {
  localiseTimes();
  const tail = document.getElementById('tail');
  if (tail) startTail(tail);
});
