/** Active playback with its transcode picture and trouble reasons, and the history of ended sessions. */
import { redactDeep } from '../../../core/redact.ts';
import type { Session, StreamSpec } from '../../../core/session-types.ts';
import { empty, meter } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { ago, clip, type Html, href, html, isoTime, logText } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

function spec(s: StreamSpec | undefined): string {
  if (!s) return '';
  return [s.container, s.videoCodec, s.audioCodec, s.resolution, s.bitrateKbps ? `${s.bitrateKbps} kbps` : '']
    .filter(Boolean)
    .join(' · ');
}

function transcode(s: Session): Html {
  const t = s.transcode;
  const tracks = [
    t.videoDecision ? `video ${t.videoDecision}` : '',
    t.audioDecision ? `audio ${t.audioDecision}` : '',
    t.subtitleDecision ? `subtitles ${t.subtitleDecision}` : '',
  ].filter(Boolean);
  const hw =
    t.hardware === null
      ? ''
      : t.hardware
        ? 'hardware'
        : t.hardwareRequested
          ? 'software (hardware requested)'
          : 'software';
  return html`<div class="transcode"><b class="decision d-${t.decision}">${t.decision}</b> ${tracks.join(', ')}${hw ? html` · <span class="${t.hardware ? '' : 'warn-text'}">${hw}</span>` : ''}${
    t.speed !== undefined ? html` · speed ${t.speed.toFixed(1)}×${t.throttled ? ' (throttled)' : ''}` : ''
  }<div class="muted">${spec(t.source)}${t.target ? html` → ${spec(t.target)}` : ''}</div>${
    t.reasons.length ? html`<div class="muted">Why: ${t.reasons.join(', ')}</div>` : ''
  }</div>`;
}

function trouble(s: Session): string[] {
  const out: string[] = [];
  if (s.state === 'buffering') out.push('buffering');
  const t = s.transcode;
  if (t.speed !== undefined && t.speed < 1 && !t.throttled && !t.complete)
    out.push(`transcode slower than real time (${t.speed.toFixed(1)}×)`);
  if (s.error) out.push(s.error);
  if (s.failed) out.push(s.failReason ?? 'failed');
  return out;
}

function card(p: PageInfo, s: Session): Html {
  const why = trouble(s);
  return html`<article class="session${why.length ? ' bad' : ''}"><h3>${clip(logText(s.title), 120)}</h3>
<p class="muted">${s.user ?? 'someone'} · ${s.client ?? ''}${s.device ? ` on ${s.device}` : ''} · ${s.location} · ${s.server} · ${s.state}${s.bandwidthKbps ? ` · ${s.bandwidthKbps} kbps` : ''}</p>
${s.progress !== null ? meter(s.progress, 'progress') : ''}
${transcode(s)}
${why.length ? html`<p class="trouble">${why.join('; ')}</p>` : ''}
${s.issueIds?.length ? html`<p>${s.issueIds.map((id) => html`<a href="${href(p.base, `/issues/${encodeURIComponent(id)}`)}">issue</a> `)}</p>` : ''}
</article>`;
}

export function sessionsPage(p: PageInfo, d: PanelDeps): Html {
  // Session titles and users come from the media servers; redactDeep masks any token a title or address carried.
  const active = redactDeep(d.sessions.active());
  const history = redactDeep(d.sessions.history(50));
  const sum = d.sessions.summary();
  return layout(
    p,
    '/sessions',
    'Sessions',
    html`<section class="cards">
<div class="card"><b>${sum.active}</b><span>active</span></div>
<div class="card"><b>${sum.transcodes}</b><span>transcodes</span></div>
<div class="card${sum.softwareTranscodes ? ' warn' : ''}"><b>${sum.softwareTranscodes}</b><span>software transcodes</span></div>
<div class="card"><b>${Math.round(sum.bandwidthKbps / 100) / 10}</b><span>Mbps</span></div>
<div class="card${sum.inTrouble ? ' bad' : ''}"><b>${sum.inTrouble}</b><span>in trouble</span></div>
</section>
<section><h2>Playing now</h2>${active.length ? html`<div class="sessions">${active.map((s) => card(p, s))}</div>` : empty('Nothing is playing.')}</section>
<section><h2>History</h2>${
      history.length
        ? html`<div class="scroll"><table><thead><tr><th>Title</th><th>User</th><th>Client</th><th>Stream</th><th>Started</th><th>Ended</th><th>Outcome</th></tr></thead><tbody>${history.map(
            (s) =>
              html`<tr><td>${clip(logText(s.title), 100)}</td><td>${s.user ?? ''}</td><td>${s.client ?? ''}</td><td>${s.transcode.decision}</td><td>${isoTime(s.startedAt)}</td><td>${s.endedAt ? ago(s.endedAt, p.now) : ''}</td><td>${s.failed ? html`<span class="badge sev-high">failed</span> ${s.failReason ?? ''}` : 'ended'}</td></tr>`,
          )}</tbody></table></div>`
        : empty('No ended sessions yet.')
    }</section>`,
  );
}
