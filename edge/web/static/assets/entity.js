// entity.js: one lead, deal or account (#/lead/<id> …): its state, what waits for a person
// (drafts to approve or discard, tasks to complete), flags, notes, sequence or onboarding, its
// autonomy level with a control to change it, and its timeline.
//
// Controls the signed-in role may not use are disabled, each with a title naming the role it
// needs (the roles of the server's operation table: notes, tasks, flags, status and autonomy
// need rep; approving and discarding drafts manager; autonomy levels are capped by role).
//
// Live: an ids subscription with activity, resumed from the version shown. Forms are built once
// and keep what a person typed while the data around them updates.

import { ApiError, del, entityPath, get, plural, post, timeline } from './api.js';
import {
  absolute, actorClass, actorName, badge, capital, count, h, money, replace, score, setText, td, timeEl, words,
} from './dom.js';
import { allows, current, gate, maxAutonomy, needs, roleFor } from './session.js';

export const LEVELS = [
  [1, 'L1 · draft only'], [2, 'L2 · assisted'], [3, 'L3 · supervised'], [4, 'L4 · delegated'], [5, 'L5 · autonomous'],
];
const LEAD_TARGETS = ['new', 'contacted', 'qualified', 'unqualified'];
const DEAL_STAGES = ['prospect', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost'];
const TIMELINE_SHOWN = 200;

// roleNote says, to a role that may not do everything here, what it may not and who may.
function roleNote() {
  const p = current();
  let text = '';
  if (!p || allows('admin')) return null;
  if (!allows('rep')) text = `Signed in as ${p.role}: you can read; changes need the rep role.`;
  else if (!allows('manager')) text = `As a ${p.role} you may set autonomy up to L${maxAutonomy()}; approving or discarding drafts needs the manager role.`;
  else text = `As a ${p.role} you may set autonomy up to L${maxAutonomy()}; L5 needs the admin role.`;
  return h('p', { class: 'muted small role-note', testid: 'entity-role-note' }, text);
}

// mountEntity renders the entity (kind, id) into root and returns its cleanup.
export function mountEntity(root, ctx, kind, id) {
  const ac = new AbortController();
  const path = entityPath(kind, id);
  const key = `${kind}/${id}`;
  let view = null;
  let unsubscribe = () => {};
  const entries = new Map(); // event_id → entry
  let lastVersion = 0; // the newest timeline version read
  let showAll = false;

  const message = h('p', { class: 'entity-message', role: 'status', testid: 'entity-message' });
  const say = (text, bad = false) => {
    message.classList.toggle('bad', bad);
    setText(message, text || '');
  };

  // act runs one action of a button, then reloads; failures are said, not thrown.
  async function act(button, what, fn) {
    if (button) button.disabled = true;
    say(`${capital(what)}…`);
    try {
      await fn();
    } catch (err) {
      if (!ac.signal.aborted) say(`Could not ${what}: ${err.message}`, true);
      if (button) button.disabled = false;
      return;
    }
    say(`Done: ${what}.`);
    if (button) button.disabled = false;
    // The stream brings the change too; reading it here shows it without the stream.
    await refresh().catch(() => {});
  }

  // Containers filled by render.
  const head = h('div', { class: 'page-head entity-head' });
  const meta = h('p', { class: 'muted small', testid: 'entity-meta' });
  const attention = h('section', { class: 'card', 'aria-labelledby': 'h-attention', testid: 'entity-attention' });
  const state = h('section', { class: 'card', 'aria-labelledby': 'h-state', testid: 'entity-state' });
  const special = h('div', {}); // sequence, onboarding, qualification …
  const flags = h('section', { class: 'card', 'aria-labelledby': 'h-flags', testid: 'entity-flags' });
  const engagement = h('section', { class: 'card', 'aria-labelledby': 'h-engagement' });
  const notesList = h('ol', { class: 'notes', testid: 'entity-notes' });
  const timelineList = h('ol', { class: 'timeline', testid: 'entity-timeline' });
  const timelineMore = h('button', { type: 'button', class: 'btn', hidden: true }, 'Show the whole timeline');
  const currentLevel = h('p', { class: 'muted small', testid: 'entity-autonomy-current' });

  // The autonomy form.
  const levelSelect = h('select', { id: 'autonomy-level', name: 'level', testid: 'entity-autonomy-select' },
    LEVELS.map(([v, label]) => h('option', { value: v }, label)));
  const levelReason = h('input', { id: 'autonomy-reason', name: 'reason', maxlength: 1000, autocomplete: 'off', testid: 'entity-autonomy-reason' });
  const levelSave = h('button', { type: 'submit', class: 'btn primary', testid: 'entity-autonomy-save' }, 'Save level');
  let levelDirty = false;
  for (const o of levelSelect.options) {
    const n = Number(o.value);
    if (n > maxAutonomy()) {
      o.disabled = true;
      o.title = needs(roleFor(n), `L${n}`);
    }
  }
  gate('rep', levelSelect, levelReason, levelSave);
  levelSelect.addEventListener('change', () => { levelDirty = view && Number(levelSelect.value) !== view.autonomy_level; });
  const autonomyForm = h('form', { class: 'stack', testid: 'entity-autonomy-form' },
    h('div', { class: 'field' }, h('label', { for: 'autonomy-level' }, 'Level'), levelSelect),
    h('div', { class: 'field' }, h('label', { for: 'autonomy-reason' }, 'Reason (journaled)'), levelReason),
    h('div', {}, levelSave));
  autonomyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const level = Number(levelSelect.value);
    if (view && level === view.autonomy_level) {
      say(`The level is already L${level}.`);
      return;
    }
    const reason = levelReason.value.trim() || 'set from the dashboard';
    act(levelSave, `set autonomy to L${level}`, async () => {
      await post(`${path}/autonomy`, { level, reason }, ac.signal);
      levelDirty = false;
      levelReason.value = '';
    });
  });

  // The status (lead) or stage (deal) form.
  let moveForm = null;
  let moveSelect = null;
  let moveDirty = false;
  const moveNote = h('p', { class: 'muted', hidden: true });
  if (kind === 'lead' || kind === 'deal') {
    const lead = kind === 'lead';
    moveSelect = h('select', { id: 'move-to', testid: lead ? 'entity-status-select' : 'entity-stage-select' },
      (lead ? LEAD_TARGETS : DEAL_STAGES).map((v) => h('option', { value: v }, capital(words(v)))));
    moveSelect.addEventListener('change', () => { moveDirty = true; });
    const reason = h('input', { id: 'move-reason', maxlength: 1000, autocomplete: 'off' });
    const save = h('button', { type: 'submit', class: 'btn', testid: lead ? 'entity-status-save' : 'entity-stage-save' },
      lead ? 'Change status' : 'Move stage');
    gate('rep', moveSelect, reason, save);
    moveForm = h('form', { class: 'stack' },
      h('div', { class: 'field' }, h('label', { for: 'move-to' }, lead ? 'Status' : 'Stage'), moveSelect),
      h('div', { class: 'field' }, h('label', { for: 'move-reason' }, 'Reason'), reason),
      h('div', {}, save));
    moveForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const to = moveSelect.value;
      const body = lead ? { status: to } : { stage: to };
      if (reason.value.trim()) body.reason = reason.value.trim();
      act(save, `${lead ? 'change the status' : 'move the stage'} to ${words(to)}`, async () => {
        await post(`${path}/${lead ? 'status' : 'stage'}`, body, ac.signal);
        moveDirty = false;
        reason.value = '';
      });
    });
  }

  // The note form (leads and deals take notes).
  let noteForm = null;
  if (kind === 'lead' || kind === 'deal') {
    const text = h('textarea', { id: 'note-text', rows: 3, maxlength: 10000, testid: 'entity-note-text', required: true });
    const save = h('button', { type: 'submit', class: 'btn', testid: 'entity-note-save' }, 'Add note');
    gate('rep', text, save);
    noteForm = h('form', { class: 'stack' },
      h('div', { class: 'field' }, h('label', { for: 'note-text' }, 'New note'), text), h('div', {}, save));
    noteForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const t = text.value.trim();
      if (!t) return;
      act(save, 'add the note', async () => {
        await post(`${path}/notes`, { text: t }, ac.signal);
        text.value = '';
      });
    });
  }

  const back = h('a', { class: 'back', href: `#/${plural[kind]}` }, `← ${capital(plural[kind])}`);
  replace(root,
    back, head, meta, roleNote(), message,
    h('div', { class: 'entity-grid' },
      h('div', { class: 'entity-main' },
        attention, state, special, flags,
        h('section', { class: 'card', 'aria-labelledby': 'h-notes' },
          h('h2', { id: 'h-notes' }, 'Notes'), notesList, noteForm),
        engagement),
      h('div', { class: 'entity-side' },
        h('section', { class: 'card', 'aria-labelledby': 'h-autonomy' },
          h('h2', { id: 'h-autonomy' }, 'Autonomy'), currentLevel,
          h('p', { class: 'muted small' }, 'Below L2 agents only draft, for a person to approve; from L2 they act. Every change is journaled.'),
          autonomyForm),
        moveForm && h('section', { class: 'card', 'aria-labelledby': 'h-move' },
          h('h2', { id: 'h-move' }, kind === 'lead' ? 'Status' : 'Stage'), moveNote, moveForm),
        h('section', { class: 'card', 'aria-labelledby': 'h-timeline' },
          h('h2', { id: 'h-timeline' }, 'Timeline'),
          h('p', { class: 'muted small' }, 'Who did what, and why; newest first.'),
          timelineList, timelineMore))));
  timelineMore.addEventListener('click', () => { showAll = true; renderTimeline(); });

  function render(v) {
    view = v;
    const name = kind === 'lead' ? v.full_name || v.email : kind === 'deal' ? v.title : v.name;
    const status = kind === 'lead' ? v.status : kind === 'deal' ? v.stage : v.lifecycle;
    ctx.setTitle(`${name || id} · ${capital(kind)}`);
    replace(head,
      h('h1', { tabindex: '-1', testid: 'entity-name' }, name || id),
      h('div', { class: 'head-badges' }, badge(status, kind === 'deal' ? 'stage' : kind === 'account' ? 'lifecycle' : 'status'),
        h('span', { class: 'level', testid: 'entity-level', title: 'Autonomy level' }, `L${v.autonomy_level}`),
        (v.flags || []).map((f) => h('span', { class: 'chip chip-flag', title: f.reason || '' }, words(f.name)))));
    replace(meta, `${capital(kind)} ${v.id} · version ${v.version} · created `, timeEl(v.created_at), ' · updated ', timeEl(v.updated_at));

    const lv = LEVELS.find(([n]) => n === v.autonomy_level);
    setText(currentLevel, `Now ${lv ? lv[1] : `L${v.autonomy_level}`}.`);
    if (!levelDirty) levelSelect.value = String(v.autonomy_level);
    if (moveSelect && !moveDirty) {
      const cur = kind === 'lead' ? v.status : v.stage;
      const settable = [...moveSelect.options].some((o) => o.value === cur);
      if (settable) moveSelect.value = cur;
      // A converted or archived lead has its own commands; its status form has nothing to do.
      moveForm.hidden = kind === 'lead' && !settable;
      moveNote.hidden = !moveForm.hidden;
      setText(moveNote, `The lead is ${words(cur)}: its status no longer changes here.`);
    }

    renderAttention(v);
    renderState(v);
    renderSpecial(v);
    renderFlags(v);
    renderNotes(v);
    renderEngagement(v);
  }

  function renderAttention(v) {
    const drafts = v.drafts || [];
    const pending = drafts.filter((d) => d.status === 'pending');
    const decided = drafts.filter((d) => d.status !== 'pending');
    const tasks = v.tasks || [];
    const open = tasks.filter((t) => t.status !== 'done');
    const done = tasks.filter((t) => t.status === 'done');
    replace(attention,
      h('h2', { id: 'h-attention' }, 'Waiting for a person'),
      !pending.length && !open.length ? h('p', { class: 'muted' }, 'Nothing waits: no pending drafts, no open tasks.') : null,
      pending.length ? [h('h3', {}, `Drafts to review (${pending.length})`),
        h('ul', { class: 'items', testid: 'entity-drafts' }, pending.map(draftItem))] : null,
      open.length ? [h('h3', {}, `Open tasks (${open.length})`),
        h('ul', { class: 'items', testid: 'entity-tasks' }, open.map(taskItem))] : null,
      decided.length ? h('details', {}, h('summary', {}, `Decided drafts (${decided.length})`),
        h('ul', { class: 'items' }, decided.map(draftItem))) : null,
      done.length ? h('details', {}, h('summary', {}, `Done tasks (${done.length})`),
        h('ul', { class: 'items' }, done.map(taskItem))) : null);
  }

  function draftItem(d) {
    const pending = d.status === 'pending';
    const approve = h('button', { type: 'button', class: 'btn primary', testid: `draft-approve-${d.id}` }, 'Approve');
    const discard = h('button', { type: 'button', class: 'btn', testid: `draft-discard-${d.id}` }, 'Discard');
    gate('manager', approve, discard);
    approve.addEventListener('click', () => act(approve, 'approve the draft', () =>
      post(`${path}/drafts/${encodeURIComponent(d.id)}/approve`, { reason: 'approved from the dashboard' }, ac.signal)));
    discard.addEventListener('click', () => act(discard, 'discard the draft', () =>
      post(`${path}/drafts/${encodeURIComponent(d.id)}/discard`, { reason: 'discarded from the dashboard' }, ac.signal)));
    let what;
    if (d.kind === 'task' && d.task) what = `Task: ${d.task.title}`;
    else if (d.kind === 'flag' && d.flag) what = `Flag: ${words(d.flag.name)}`;
    else what = d.subject || `${capital(d.kind)} to ${d.to || 'the contact'}`;
    return h('li', { class: 'item', testid: `draft-${d.id}` },
      h('div', { class: 'item-head' }, h('span', { class: 'chip' }, d.kind || 'draft'), h('strong', {}, what),
        !pending ? badge(d.status) : null),
      d.to && d.kind !== 'task' && d.kind !== 'flag' ? h('p', { class: 'muted small' }, `To ${d.to}`) : null,
      d.body ? h('p', { class: 'draft-body' }, d.body) : null,
      h('p', { class: 'muted small' }, [d.reason ? `Why: ${d.reason} · ` : '', `by ${actorName(d.created_by)} `], timeEl(d.created_at),
        d.decided_by ? ` · ${d.status} by ${actorName(d.decided_by)}` : ''),
      pending ? h('div', { class: 'buttons' }, approve, discard) : null);
  }

  function taskItem(t) {
    const complete = h('button', { type: 'button', class: 'btn', testid: `task-complete-${t.id}` }, 'Complete');
    gate('rep', complete);
    complete.addEventListener('click', () => act(complete, 'complete the task', () =>
      post(`${path}/tasks/${encodeURIComponent(t.id)}/complete`, {}, ac.signal)));
    const open = t.status !== 'done';
    return h('li', { class: 'item', testid: `task-${t.id}` },
      h('div', { class: 'item-head' }, h('strong', {}, t.title), !open ? badge('done') : null),
      h('p', { class: 'muted small' },
        t.assignee ? `For ${t.assignee} · ` : '', t.due_at ? ['due ', timeEl(t.due_at), ' · '] : '',
        `by ${actorName(t.created_by)}`, t.reason ? ` · ${t.reason}` : ''),
      open ? h('div', { class: 'buttons' }, complete) : null);
  }

  function dl(pairs) {
    return h('dl', { class: 'props' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
  }

  function renderState(v) {
    let pairs;
    if (kind === 'lead') {
      const q = v.qualification;
      pairs = [['Email', v.email], ['Company', v.company], ['Phone', v.phone], ['Owner', v.owner || 'unassigned'],
        ['Source', v.source], ['Campaign', v.campaign],
        ['Score', q ? `${score(q.score)} (confidence ${score(q.confidence)}, ${words(q.decision)})` : null],
        ['Deal', v.deal_id ? h('a', { href: `#/deal/${encodeURIComponent(v.deal_id)}` }, v.deal_id) : null]];
    } else if (kind === 'deal') {
      pairs = [['Company', v.company], ['Contact', v.contact_email],
        ['Value', `${money(v.value)} ${v.currency || ''}`.trim()], ['Weighted', money(v.weighted_value)],
        ['Probability', `${count(v.probability)}%`], ['Forecast', words(v.forecast_category)],
        ['Expected close', v.expected_close_date], ['Owner', v.owner || 'unassigned'],
        ['Lead', v.lead_id ? h('a', { href: `#/lead/${encodeURIComponent(v.lead_id)}` }, v.lead_id) : null],
        ['Account', v.account_id ? h('a', { href: `#/account/${encodeURIComponent(v.account_id)}` }, v.account_id) : null],
        ['Last activity', v.last_activity_at ? timeEl(v.last_activity_at) : null],
        ['Closed', v.closed_at ? timeEl(v.closed_at) : null], ['Description', v.description]];
    } else {
      const hl = v.health;
      pairs = [['Domain', v.domain], ['Owner', v.owner || 'unassigned'], ['Lifecycle', words(v.lifecycle)],
        ['Health', hl ? `${hl.score} / 100 · ${words(hl.category)} · churn ${score(hl.churn_probability)} · risk ${words(hl.risk_level)}` : null]];
    }
    replace(state, h('h2', { id: 'h-state' }, 'Details'), dl(pairs));
  }

  function dimensions(title, dims) {
    if (!dims || !dims.length) return null;
    return h('div', { class: 'table-wrap' }, h('table', { class: 'table compact responsive' },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, ['Dimension', 'Score', 'Weight', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, dims.map((d) => h('tr', {},
        td('Dimension', null, capital(words(d.name))),
        td('Score', 'num', score(d.score)),
        td('Weight', 'num', score(d.weight)),
        td('Reason', null, d.reason || '–'))))));
  }

  function renderSpecial(v) {
    const parts = [];
    if (kind === 'lead') {
      const q = v.qualification;
      if (q || (v.next_actions || []).length) {
        parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-qual' },
          h('h2', { id: 'h-qual' }, 'Qualification and next actions'),
          (v.next_actions || []).length ? h('ul', { class: 'items', testid: 'entity-next-actions' }, v.next_actions.map((a) =>
            h('li', { class: 'item' }, h('div', { class: 'item-head' }, h('strong', {}, capital(words(a.action))), h('span', { class: 'chip' }, a.mode)),
              a.reason ? h('p', { class: 'muted small' }, a.reason) : null))) : null,
          q ? dimensions(`Score ${score(q.score)} by ${q.model || 'the model'}`, q.dimensions) : null));
      }
      const sq = v.sequence;
      if (sq) {
        const stop = h('button', { type: 'button', class: 'btn', testid: 'entity-sequence-stop' }, 'Stop sequence');
        gate('rep', stop);
        stop.addEventListener('click', () => act(stop, 'stop the sequence', () => del(`${path}/sequence`, ac.signal)));
        parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-seq', testid: 'entity-sequence' },
          h('h2', { id: 'h-seq' }, 'Sequence'),
          dl([['Sequence', capital(words(sq.type))], ['Status', badge(sq.status)], ['Step', `${count(sq.step)} of ${count(sq.steps)}`],
            ['Next step', sq.status === 'active' && sq.next_at ? timeEl(sq.next_at) : null],
            ['Started', sq.started_at ? timeEl(sq.started_at) : null], ['Stopped because', sq.stop_reason],
            ['Done before', (sq.done || []).map(words).join(', ')]]),
          sq.status === 'active' ? h('div', { class: 'buttons' }, stop) : null));
      }
    }
    if (kind === 'deal' && (v.stage_history || []).length) {
      parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-stages' },
        h('h2', { id: 'h-stages' }, 'Stage history'),
        h('ol', { class: 'items' }, v.stage_history.slice().reverse().map((c) => h('li', { class: 'item' },
          h('div', { class: 'item-head' }, h('strong', {}, `${words(c.from) || 'start'} → ${words(c.to)}`)),
          h('p', { class: 'muted small' }, `by ${actorName(c.actor)} `, timeEl(c.at), c.reason ? ` · ${c.reason}` : ''))))));
    }
    if (kind === 'account') {
      if (v.health) parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-health' },
        h('h2', { id: 'h-health' }, 'Health'), dimensions(`Health ${v.health.score}, computed ${absolute(v.health.calculated_at)}`, v.health.dimensions)));
      if ((v.deals || []).length) parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-adeals' },
        h('h2', { id: 'h-adeals' }, 'Deals'),
        h('ul', { class: 'items' }, v.deals.map((d) => h('li', { class: 'item' },
          h('div', { class: 'item-head' }, h('a', { href: `#/deal/${encodeURIComponent(d.deal_id)}` }, d.title || d.deal_id), badge(d.stage, 'stage')),
          h('p', { class: 'muted small' }, `${money(d.value)} ${d.currency || ''}`))))));
      const ob = v.onboarding;
      if (ob) {
        parts.push(h('section', { class: 'card', 'aria-labelledby': 'h-onb', testid: 'entity-onboarding' },
          h('h2', { id: 'h-onb' }, 'Onboarding'),
          dl([['Plan', `${capital(words(ob.template))}, ${count(ob.duration_days)} days`], ['Status', badge(ob.status)],
            ['Started', ob.started_at ? timeEl(ob.started_at) : null],
            ['Asked for', ob.requested ? words(ob.requested) : null],
            ['Success criteria', (ob.success_criteria || []).join('; ')]]),
          h('ol', { class: 'items', testid: 'entity-milestones' }, (ob.milestones || []).map((m) => {
            const done = m.status === 'done';
            const complete = h('button', { type: 'button', class: 'btn', testid: `milestone-complete-${m.name}` }, 'Mark done');
            gate('rep', complete);
            complete.addEventListener('click', () => act(complete, `complete ${words(m.name)}`, () =>
              post(`${path}/milestones/${encodeURIComponent(m.name)}/complete`, {}, ac.signal)));
            return h('li', { class: 'item' },
              h('div', { class: 'item-head' }, h('strong', {}, capital(words(m.name))), badge(m.status), m.priority === 'high' ? h('span', { class: 'chip chip-flag' }, 'high') : null),
              h('p', { class: 'muted small' }, done ? ['done ', timeEl(m.done_at)] : ['due ', timeEl(m.due_at)]),
              !done ? h('div', { class: 'buttons' }, complete) : null);
          }))));
      }
    }
    replace(special, parts);
  }

  function renderFlags(v) {
    const fl = v.flags || [];
    replace(flags, h('h2', { id: 'h-flags' }, 'Flags'),
      fl.length ? h('ul', { class: 'items' }, fl.map((f) => {
        const clear = h('button', { type: 'button', class: 'btn', testid: `flag-clear-${f.name}` }, 'Clear');
        gate('rep', clear);
        clear.addEventListener('click', () => act(clear, `clear the ${words(f.name)} flag`, () =>
          del(`${path}/flags/${encodeURIComponent(f.name)}`, ac.signal)));
        return h('li', { class: 'item', testid: `flag-${f.name}` },
          h('div', { class: 'item-head' }, h('span', { class: 'chip chip-flag' }, words(f.name)), f.reason || ''),
          h('p', { class: 'muted small' }, `set by ${actorName(f.set_by)} `, timeEl(f.set_at)),
          h('div', { class: 'buttons' }, clear));
      })) : h('p', { class: 'muted' }, 'No flags.'));
  }

  function renderNotes(v) {
    const ns = (v.notes || []).slice().reverse();
    replace(notesList, ns.length ? ns.map((n) => h('li', { class: 'item', testid: `note-${n.id}` },
      h('p', { class: 'note-text' }, n.text),
      h('p', { class: 'muted small' }, `${actorName(n.author)} `, timeEl(n.created_at))))
      : h('li', { class: 'muted' }, 'No notes yet.'));
  }

  function renderEngagement(v) {
    const e = v.engagement || {};
    replace(engagement, h('h2', { id: 'h-engagement' }, 'Engagement and reminders'),
      dl([['Replies', count(e.replies)], ['Opens', count(e.opens)], ['Bounces', count(e.bounces)],
        ['Last reply', e.last_reply_at ? timeEl(e.last_reply_at) : null],
        ['Last contact', e.last_contact_at ? timeEl(e.last_contact_at) : null],
        ['Opted out', e.opted_out ? 'yes' : null], ['Email bounced', e.email_bounced ? 'yes' : null]]),
      (v.reminders || []).length ? [h('h3', {}, 'Reminders pending'),
        h('ul', { class: 'items' }, v.reminders.map((r) => h('li', { class: 'item' }, h('strong', {}, words(r.name)), ' ', timeEl(r.due_at))))]
        : h('p', { class: 'muted small' }, 'No reminders pending.'));
  }

  // The timeline: entries by event id, shown newest first.
  function addEntries(list) {
    for (const e of list) {
      if (!e || !e.event_id) continue;
      entries.set(e.event_id, e);
      if (e.version > lastVersion) lastVersion = e.version;
    }
    renderTimeline();
  }

  function renderTimeline() {
    const all = [...entries.values()].sort((a, b) => b.version - a.version);
    const shown = showAll ? all : all.slice(0, TIMELINE_SHOWN);
    timelineMore.hidden = shown.length === all.length;
    const have = new Map([...timelineList.children].map((li) => [li.dataset.testid, li]));
    shown.forEach((e, i) => {
      const li = have.get(`timeline-${e.event_id}`) || timelineItem(e);
      if (timelineList.children[i] !== li) timelineList.insertBefore(li, timelineList.children[i] || null);
    });
    while (timelineList.children.length > shown.length) timelineList.lastElementChild.remove();
    if (!all.length) timelineList.append(h('li', { class: 'muted' }, 'No events yet.'));
  }

  function timelineItem(e) {
    const cls = actorClass(e.actor);
    return h('li', { class: `act act-${cls}`, testid: `timeline-${e.event_id}` },
      h('span', { class: `chip chip-${cls}` }, actorName(e.actor)),
      h('p', { class: 'act-summary' }, e.summary || words(e.type)),
      h('p', { class: 'act-meta muted' }, timeEl(e.time), ` · v${e.version} · ${e.type}`));
  }

  // Loading.
  async function refresh() {
    const [v, more] = await Promise.all([
      get(path, ac.signal),
      get(`${path}/timeline?limit=500&after=${lastVersion}`, ac.signal),
    ]);
    if (!view || v.version >= view.version) render(v);
    addEntries(more.items || []);
  }

  async function load() {
    try {
      const [v, tl] = await Promise.all([get(path, ac.signal), timeline(kind, id, ac.signal)]);
      ctx.notify(null);
      render(v);
      addEntries(tl);
      unsubscribe = ctx.stream.subscribe({ ids: [key], since: { [key]: v.version }, activity: true }, {
        onSnapshot(_, items) {
          const nv = items.find((x) => x && x.id === id);
          if (nv && nv.version > view.version) render(nv);
        },
        onChange(msg) {
          if (msg.view && msg.view.version > view.version) render(msg.view);
        },
        onActivity(msg) {
          addEntries([msg.entry]);
        },
        onResync() {
          refresh().catch(() => {});
        },
      });
    } catch (err) {
      if (ac.signal.aborted) return;
      if (err instanceof ApiError && err.status === 404) {
        ctx.setTitle('Not found');
        replace(root, back, h('h1', { tabindex: '-1' }, 'Not found'),
          h('p', { class: 'card', testid: 'entity-missing' }, `There is no ${kind} with the id ${id}.`));
        return;
      }
      ctx.notify(`Could not load the ${kind}: ${err.message}.`);
      const retry = h('button', { type: 'button', class: 'btn primary' }, 'Try again');
      retry.addEventListener('click', () => { ctx.notify(null); load(); });
      replace(head, h('h1', { tabindex: '-1' }, capital(kind)), h('div', { class: 'buttons' }, retry));
    }
  }

  ctx.setTitle(capital(kind));
  setText(head, 'Loading…');
  load();
  return () => {
    ac.abort();
    unsubscribe();
  };
}
