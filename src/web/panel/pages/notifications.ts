/** Notification targets with their health, the delivery log, and a test button per target. */
import { redact } from '../../../core/redact.ts';
import { empty } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { ago, clip, type Html, html, isoTime, logText } from '../html.ts';
import { actionButton, layout, type PageInfo } from '../layout.ts';

export interface TestOutcome {
  target: string;
  ok: boolean;
  message: string;
}

export function notificationsPage(p: PageInfo, d: PanelDeps, outcome?: TestOutcome): Html {
  const targets = d.notify.health();
  const log = d.notify.deliveryLog(undefined, 100);
  return layout(
    p,
    '/notifications',
    'Notifications',
    html`${outcome ? html`<p class="flash ${outcome.ok ? 'ok' : 'bad'}" role="status">Test to ${outcome.target}: ${outcome.message}</p>` : ''}
<section><h2>Targets</h2>${
      targets.length
        ? html`<div class="scroll"><table><thead><tr><th>Target</th><th>Type</th><th>Health</th><th class="num">Queued</th><th class="num">Failed</th><th>Last success</th><th>Last error</th><th></th></tr></thead><tbody>${targets.map(
            (t) =>
              html`<tr><td>${t.name}</td><td>${t.type}</td><td>${t.healthy ? html`<span class="badge st-ok">healthy</span>` : html`<span class="badge sev-high">failing</span>`}</td><td class="num">${t.queued}</td><td class="num">${t.failed}</td><td>${ago(t.lastSuccessAt, p.now)}</td><td>${t.lastError ? clip(redact(t.lastError), 160) : ''}</td><td>${actionButton(p, `/notifications/${encodeURIComponent(t.name)}/test`, 'Send test')}</td></tr>`,
          )}</tbody></table></div>`
        : empty('No notification targets configured (see notify in the configuration).')
    }</section>
<section><h2>Delivery log</h2>${
      log.length
        ? html`<div class="scroll"><table><thead><tr><th>Time</th><th>Target</th><th>Kind</th><th>Title</th><th>Attempt</th><th>Outcome</th><th class="num">ms</th><th>Error</th></tr></thead><tbody>${log.map(
            (a) =>
              html`<tr><td>${isoTime(a.at)}</td><td>${a.target}</td><td>${a.kind}</td><td>${clip(logText(a.title), 100)}</td><td class="num">${a.attempt}</td><td><span class="badge out-${a.outcome}">${a.outcome}</span></td><td class="num">${a.durationMs}</td><td>${a.error ? clip(redact(a.error), 160) : ''}</td></tr>`,
          )}</tbody></table></div>`
        : empty('Nothing sent yet.')
    }</section>`,
  );
}
