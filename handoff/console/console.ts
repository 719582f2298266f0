// The agent console. Customer text is untrusted: every string from the API is rendered with
// textContent or as an attribute value, never as HTML.
import { CATALOGUE, word, type Strings, type UiLocale } from './i18n.js';

interface Me {
  id: string;
  name: string;
  skills: string[];
  tier: number;
  capacity: number;
  supervisor: boolean;
  locale?: UiLocale;
  presence: string;
  load: number;
}
interface TranscriptEntry {
  at: string;
  speaker: string;
  text: string;
  agentId?: string;
  attachments?: Array<{ contentType: string; url: string; name?: string }>;
}
interface Packet {
  summary: string;
  reason: string;
  reasons: string[];
  priority: string;
  group: string;
  slaDueAt: string;
  locale: UiLocale;
  note?: string;
  customer: { id: string; displayName?: string; vipLevel: number; verification: { method: string; at?: string }; maskedPhone?: string };
  risk: { level: string; category?: string; matched: string[] };
  emotion: { label: string; score: number };
  orders: Array<{ id: string; status?: string; amount?: number; merchant?: string; verified: boolean }>;
  intentHistory: Array<{ intent: string; score: number }>;
}
interface HandoffView {
  id: string;
  conversationId: string;
  status: string;
  reasons: string[];
  group: string;
  priority: string;
  createdAt: string;
  waitingSeconds: number;
  slaDueAt: string;
  assignedTo?: string;
  summary: string;
  risk: Packet['risk'];
  emotion: Packet['emotion'];
  customer: Packet['customer'];
}
interface Detail extends HandoffView {
  packet: Packet;
  transcript: TranscriptEntry[];
}
interface LiveEvent {
  type: string;
  handoffId: string;
  conversationId: string;
  agentId?: string;
  by?: string;
  at?: string;
}
interface Canned {
  id: string;
  title: string;
  text: Partial<Record<UiLocale, string>>;
}
interface HistoryItem {
  id: string;
  status: string;
  createdAt: string;
  summary: string;
  resolution?: string;
  tags?: string[];
  survey?: { scores: Partial<Record<string, number>>; flagged: boolean };
}
interface ApiError {
  error?: { message: string; violations?: Array<{ match: string }> };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type it put in index.html
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type the template holds
const q = <T extends HTMLElement>(root: ParentNode, selector: string) => root.querySelector(selector) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
};
const button = (text: string, className: string, onClick: () => void): HTMLButtonElement => {
  const b = el('button', text, className);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
};

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2 };
const GROUPS = ['general', 'orders', 'payments', 'after_sales', 'food_safety', 'security', 'safety'];

let token = sessionStorage.getItem('kefu.agentToken') ?? '';
let me: Me | undefined;
let lang: UiLocale = (localStorage.getItem('kefu.consoleLocale') as UiLocale | null) ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
let S: Strings = CATALOGUE[lang];
let queue: HandoffView[] = [];
/** Customers waiting live in this agent's groups, the whole queue counted (the list shows its head). */
let queueWaiting = 0;
/** The agent's own conversations: unread customer messages, and since when the customer waits for an answer. */
const inbox = new Map<string, { view: HandoffView; unread: number; waitingSince?: number }>();
let active: { id: string; panel: HTMLElement; detail?: Detail; viewing?: number } | undefined;
const drafts = new Map<string, string>();
let canned: { shared: Canned[]; mine: Canned[] } = { shared: [], mine: [] };
let unseen = 0;
const baseTitle = document.title;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape of the API's JSON it expects
async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const res = await fetch(`/agent/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T };
}

// ---------- words ----------
function applyWords(root: ParentNode): void {
  const strings = S as unknown as Record<string, unknown>;
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((e) => {
    const v = strings[e.dataset.i18n ?? ''];
    if (typeof v === 'string') e.textContent = v;
  });
  root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-i18n-placeholder]').forEach((e) => {
    const v = strings[e.dataset.i18nPlaceholder ?? ''];
    if (typeof v === 'string') e.placeholder = v;
  });
}

/** `chosen`: the agent picked it on screen (remembered); otherwise it follows their setting or the browser. */
function setLanguage(next: UiLocale, chosen = false): void {
  lang = next;
  S = CATALOGUE[lang];
  if (chosen) localStorage.setItem('kefu.consoleLocale', lang);
  document.documentElement.lang = lang;
  document.title = S.title;
  document.querySelectorAll<HTMLSelectElement>('.lang-select').forEach((s) => (s.value = lang));
  applyWords(document);
  renderMe();
  renderQueue();
  renderInbox();
  if (active) void select(active.id);
  if (!$('supervisor').hidden) {
    void refreshSupervisor();
    void refreshCharts();
  }
}
document.querySelectorAll<HTMLSelectElement>('.lang-select').forEach((s) =>
  s.addEventListener('change', () => {
    setLanguage(s.value as UiLocale, true);
  }),
);

const clock = (seconds: number) => `${seconds < 0 ? '-' : ''}${Math.floor(Math.abs(seconds) / 60)}:${String(Math.abs(seconds) % 60).padStart(2, '0')}`;
/** A time of day in the agent's own time zone, 24-hour. */
const timeOfDay = (iso: string) => new Date(iso).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hour12: false });
const secondsSince = (t: number) => Math.max(0, Math.round((Date.now() - t) / 1000));

// ---------- sign in ----------
$<HTMLFormElement>('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $<HTMLInputElement>('token').value.trim();
  void signIn();
});
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem('kefu.agentToken');
  location.reload();
});

async function signIn(): Promise<void> {
  const r = await api<Me>('GET', '/me');
  if (r.status !== 200) {
    $('login-error').textContent = S.invalidToken;
    return;
  }
  sessionStorage.setItem('kefu.agentToken', token);
  me = r.data;
  if (!localStorage.getItem('kefu.consoleLocale') && me.locale) setLanguage(me.locale);
  $('login').hidden = true;
  $('app').hidden = false;
  renderMe();
  $<HTMLSelectElement>('presence').value = me.presence;
  $('tab-supervisor').hidden = !me.supervisor;
  const c = await api<{ shared: Canned[]; mine: Canned[] }>('GET', '/canned');
  if (c.status === 200) canned = c.data;
  await Promise.all([refreshQueue(), refreshInbox()]);
  const first = [...inbox.keys()][0];
  if (first) await select(first);
  void listen();
  setInterval(tick, 1000);
}

function renderMe(): void {
  if (me) $('me').textContent = `${me.name} · tier ${String(me.tier)} · ${String(me.capacity)}`;
}

$<HTMLSelectElement>('presence').addEventListener('change', (e) => {
  void api('PUT', '/presence', { status: (e.target as HTMLSelectElement).value });
});

// ---------- tabs ----------
$('tab-work').addEventListener('click', () => showTab('work'));
$('tab-supervisor').addEventListener('click', () => showTab('supervisor'));
function showTab(tab: 'work' | 'supervisor'): void {
  $('work').hidden = tab !== 'work';
  $('supervisor').hidden = tab !== 'supervisor';
  $('tab-work').classList.toggle('active', tab === 'work');
  $('tab-supervisor').classList.toggle('active', tab === 'supervisor');
  if (tab === 'supervisor') {
    void refreshSupervisor();
    void refreshCharts();
  }
}

// ---------- queue: one list across groups, most urgent first, then longest waiting ----------
let queueReading: Promise<void> | undefined;
let queueAsked = 0;
/** Reads the queue again; events that arrive during a read make one more read after it, not one each. */
function refreshQueue(): Promise<void> {
  queueAsked += 1;
  if (queueReading) return queueReading;
  queueReading = (async () => {
    let read = 0;
    try {
      while (read !== queueAsked) {
        read = queueAsked;
        const r = await api<{ items: HandoffView[]; waiting: number }>('GET', '/queue');
        if (r.status === 200) [queue, queueWaiting] = [r.data.items, r.data.waiting];
        renderQueue();
      }
    } finally {
      // Cleared in the same step as the last check: a call after it starts a new read.
      queueReading = undefined;
    }
  })();
  return queueReading;
}

function renderQueue(): void {
  const now = Date.now();
  $('queue-count').textContent = String(queueWaiting + queue.filter((h) => h.status === 'callback').length);
  const sorted = [...queue].sort(
    (a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) || Date.parse(a.createdAt) - Date.parse(b.createdAt),
  );
  if (sorted.length === 0) return void $('queue').replaceChildren(el('li', S.queueEmpty, 'empty-row'));
  $('queue').replaceChildren(
    ...sorted.map((h) => {
      const li = el('li', undefined, `qitem prio-${h.priority}`);
      li.dataset.handoff = h.id;
      const slaLeft = Math.round((Date.parse(h.slaDueAt) - now) / 1000);
      if (slaLeft < 0) li.classList.add('breach');
      const meta = el('div', undefined, 'meta');
      meta.append(
        el('span', word(S.priorities, h.priority), `prio ${h.priority}`),
        el('span', word(S.groups, h.group), 'group-label'),
        el('span', h.status === 'callback' ? S.callbackWaiting : `${S.waited} ${clock(secondsSince(Date.parse(h.createdAt)))}`, 'wait'),
        el('span', slaLeft < 0 ? S.slaLate : `${S.slaDue} ${timeOfDay(h.slaDueAt)}`, `sla${slaLeft < 0 ? ' late' : ''}`),
      );
      if (h.risk.level !== 'none') meta.append(el('span', `⚠ ${word(S.riskCategories, h.risk.category)}`, 'risk-label'));
      li.append(
        meta,
        el('div', h.summary, 'sum'),
        button(S.claim, 'claim', () => void claimOne(h.id, li)),
      );
      return li;
    }),
  );
}

async function claimOne(id: string, li: HTMLElement): Promise<void> {
  const r = await api<HandoffView & ApiError>('POST', `/handoffs/${id}/claim`);
  if (r.status !== 200) {
    li.append(el('p', `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`, 'error'));
    return;
  }
  await Promise.all([refreshQueue(), refreshInbox()]);
  await select(id);
}

// ---------- inbox: the agent's own conversations ----------
async function refreshInbox(): Promise<void> {
  const r = await api<{ items: HandoffView[] }>('GET', '/handoffs');
  if (r.status !== 200) return;
  const ids = new Set(r.data.items.map((h) => h.id));
  for (const id of [...inbox.keys()]) if (!ids.has(id)) inbox.delete(id);
  for (const h of r.data.items) {
    const known = inbox.get(h.id);
    if (known) known.view = h;
    else {
      // A new one: does the customer wait for an answer (their line is the last)?
      const d = await api<Detail>('GET', `/handoffs/${h.id}`);
      const last = d.status === 200 ? [...d.data.transcript].reverse().find((e) => e.speaker === 'customer' || e.speaker === 'agent') : undefined;
      inbox.set(h.id, { view: h, unread: 0, waitingSince: last?.speaker === 'customer' ? Date.parse(last.at) : undefined });
    }
  }
  renderInbox();
}

function renderInbox(): void {
  $('inbox-count').textContent = String(inbox.size);
  if (inbox.size === 0) return void $('inbox').replaceChildren(el('li', S.inboxEmpty, 'empty-row'));
  const now = Date.now();
  $('inbox').replaceChildren(
    ...[...inbox.values()].map(({ view: h, unread, waitingSince }) => {
      const li = el('li', undefined, `ibx prio-${h.priority}${active?.id === h.id ? ' active' : ''}`);
      li.dataset.handoff = h.id;
      li.tabIndex = 0;
      const top = el('div', undefined, 'meta');
      top.append(el('span', h.customer.displayName ?? h.customer.id, 'who'), el('span', word(S.priorities, h.priority), `prio ${h.priority}`));
      if (unread > 0) top.append(el('span', String(unread), 'unread'));
      const bottom = el('div', undefined, 'meta');
      if (waitingSince !== undefined) bottom.append(el('span', `${S.customerWaiting} ${clock(secondsSince(waitingSince))}`, 'waiting'));
      const slaLeft = Math.round((Date.parse(h.slaDueAt) - now) / 1000);
      bottom.append(el('span', `${S.slaDue} ${timeOfDay(h.slaDueAt)}`, `sla${slaLeft < 0 ? ' late' : ''}`));
      li.append(top, el('div', h.summary, 'sum'), bottom);
      li.addEventListener('click', () => void select(h.id));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') void select(h.id);
      });
      return li;
    }),
  );
}

function tick(): void {
  renderQueue();
  renderInbox();
}

// ---------- the active conversation ----------
async function select(id: string): Promise<void> {
  if (active) {
    drafts.set(active.id, q<HTMLTextAreaElement>(active.panel, 'form.reply textarea').value);
    window.clearInterval(active.viewing);
    if (active.id !== id) void api('DELETE', `/handoffs/${active.id}/viewing`);
    active.panel.remove();
  }
  const tpl = $<HTMLTemplateElement>('panel-template');
  const panel = (tpl.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
  panel.dataset.handoff = id;
  applyWords(panel);
  const groups = q<HTMLSelectElement>(panel, '.transfer-group');
  groups.append(new Option(S.transferTo, ''), ...GROUPS.map((g) => new Option(word(S.groups, g), g)));
  q<HTMLTextAreaElement>(panel, 'form.reply textarea').value = drafts.get(id) ?? '';
  $('empty').hidden = true;
  $('stage').append(panel);
  active = { id, panel };
  const entry = inbox.get(id);
  if (entry) entry.unread = 0;
  renderInbox();
  wirePanel(id, panel);
  // The chat is on this agent's screen: accepted (a dispatched chat is offered elsewhere if no console shows it).
  if (inbox.has(id)) void api('POST', `/handoffs/${id}/accept`);
  const touch = () => void markViewing(id, panel);
  touch();
  active.viewing = window.setInterval(touch, 5000);
  await refreshPanel(id);
}

function leave(id: string): void {
  inbox.delete(id);
  drafts.delete(id);
  if (active?.id === id) {
    window.clearInterval(active.viewing);
    void api('DELETE', `/handoffs/${id}/viewing`);
    active.panel.remove();
    active = undefined;
    const next = [...inbox.keys()][0];
    if (next) void select(next);
    else $('empty').hidden = false;
  }
  renderInbox();
  void refreshQueue();
}

/** The collision warning: who else has this conversation open. */
async function markViewing(id: string, panel: HTMLElement): Promise<void> {
  const r = await api<{ others: Array<{ id: string; name: string }> }>('POST', `/handoffs/${id}/viewing`);
  const box = q<HTMLElement>(panel, '.collision');
  const others = r.status === 200 ? r.data.others : [];
  box.hidden = others.length === 0;
  box.textContent = others.length ? S.alsoViewing(others.map((o) => o.name).join(lang === 'en' ? ', ' : '、')) : '';
}

function showError(panel: HTMLElement, message: string): void {
  q<HTMLElement>(panel, '.action-error').textContent = message;
}

/** Close, transfer, escalate and take over are confirmed in place, never at a click. */
function confirmThen(panel: HTMLElement, text: string, action: () => Promise<void>): void {
  const box = q<HTMLElement>(panel, '.confirm');
  q<HTMLElement>(box, '.confirm-text').textContent = text;
  box.hidden = false;
  showError(panel, '');
  const yes = q<HTMLButtonElement>(box, '.confirm-yes');
  const no = q<HTMLButtonElement>(box, '.confirm-no');
  const done = () => {
    box.hidden = true;
    yes.onclick = null;
    no.onclick = null;
  };
  yes.onclick = () => {
    done();
    void action();
  };
  no.onclick = done;
  yes.focus();
}

function fill(text: string): string {
  const d = active?.detail;
  return text
    .replace(/\{name\}/g, d?.packet.customer.displayName ?? '')
    .replace(/\{orderId\}/g, d?.packet.orders[0]?.id ?? '')
    .replace(/\{agent\}/g, me?.name ?? '');
}

function cannedText(c: Canned): string {
  const locale = active?.detail?.packet.locale ?? lang;
  return c.text[locale] ?? c.text['zh-CN'] ?? c.text.en ?? '';
}

function wirePanel(id: string, panel: HTMLElement): void {
  const form = q<HTMLFormElement>(panel, 'form.reply');
  const textarea = q<HTMLTextAreaElement>(form, 'textarea');
  const flag = q<HTMLParagraphElement>(form, '.flag');
  const send = q<HTMLButtonElement>(form, 'button.send');
  const menu = q<HTMLElement>(form, '.canned-menu');
  let checkTimer: number | undefined;
  let choice = 0;
  const showFlag = (violations: Array<{ match: string }>) => {
    flag.hidden = violations.length === 0;
    flag.textContent = violations.length ? `${S.forbidden}${violations.map((v) => v.match).join('、')}` : '';
    send.disabled = violations.length > 0 || !canReply();
  };
  const matches = (): Canned[] => {
    const term = textarea.value.slice(1).trim().toLowerCase();
    return [...canned.mine, ...canned.shared].filter((c) => !term || `${c.title} ${cannedText(c)}`.toLowerCase().includes(term)).slice(0, 8);
  };
  const renderMenu = () => {
    if (!textarea.value.startsWith('/')) return void (menu.hidden = true);
    const found = matches();
    choice = Math.min(choice, Math.max(0, found.length - 1));
    menu.hidden = false;
    if (found.length === 0) return void menu.replaceChildren(el('div', S.cannedNone, 'canned-none'));
    menu.replaceChildren(
      ...found.map((c, i) => {
        const item = el('div', undefined, `canned-item${i === choice ? ' chosen' : ''}`);
        item.setAttribute('role', 'option');
        item.append(el('strong', c.title), el('span', fill(cannedText(c))));
        item.addEventListener('mousedown', (e) => {
          e.preventDefault();
          use(c);
        });
        return item;
      }),
    );
  };
  const use = (c: Canned) => {
    textarea.value = fill(cannedText(c));
    menu.hidden = true;
    textarea.dispatchEvent(new Event('input'));
    textarea.focus();
  };
  textarea.addEventListener('input', () => {
    renderMenu();
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(async () => {
      const text = textarea.value.trim();
      if (!text || text.startsWith('/')) return void showFlag([]);
      const r = await api<{ violations: Array<{ match: string }> } | undefined>('POST', '/compliance/check', { text });
      showFlag(r.data?.violations ?? []);
    }, 250);
  });
  textarea.addEventListener('keydown', (e) => {
    if (!menu.hidden) {
      const found = matches();
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        choice = (choice + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % Math.max(1, found.length);
        renderMenu();
        return;
      }
      if (e.key === 'Enter' && found[choice]) {
        e.preventDefault();
        use(found[choice]);
        return;
      }
      if (e.key === 'Escape') return void (menu.hidden = true);
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener(
    'submit',
    (e) =>
      void (async () => {
        e.preventDefault();
        const text = textarea.value.trim();
        if (!text || text.startsWith('/')) return;
        send.disabled = true;
        const r = await api<ApiError | undefined>('POST', `/handoffs/${id}/messages`, { text });
        send.disabled = !canReply();
        if (r.status === 422) return void showFlag(r.data?.error?.violations ?? []);
        if (r.status !== 202) return void showError(panel, `${S.sendFailed}${r.data?.error?.message ?? String(r.status)}`);
        textarea.value = '';
        drafts.delete(id);
        const entry = inbox.get(id);
        if (entry) entry.waitingSince = undefined;
        await refreshPanel(id);
      })(),
  );
  q<HTMLButtonElement>(form, '.save-canned').addEventListener(
    'click',
    () =>
      void (async () => {
        const text = textarea.value.trim();
        if (!text || text.startsWith('/')) return;
        const title = text.length > 24 ? `${text.slice(0, 24)}…` : text;
        const mine = [...canned.mine, { id: `own-${Date.now().toString(36)}`, title, text: { [active?.detail?.packet.locale ?? lang]: text } }].slice(-100);
        const r = await api<{ replies: Canned[] } & ApiError>('PUT', '/canned/mine', { replies: mine });
        if (r.status !== 200) return void showError(panel, `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`);
        canned.mine = r.data.replies;
        showError(panel, '');
        flag.hidden = false;
        flag.textContent = S.cannedSaved;
      })(),
  );
  const act = async (path: string, bodyOf: unknown) => {
    const r = await api<ApiError>('POST', `/handoffs/${id}/${path}`, bodyOf);
    if (r.status === 200) {
      leave(id);
      return;
    }
    showError(panel, `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`);
  };
  q(panel, '.transfer').addEventListener('click', () => {
    const group = q<HTMLSelectElement>(panel, '.transfer-group').value;
    if (!group) {
      showError(panel, S.chooseGroup);
      return;
    }
    confirmThen(panel, S.confirmTransfer(word(S.groups, group)), () => act('transfer', { group, note: `transferred from ${me?.id ?? ''}` }));
  });
  q(panel, '.escalate').addEventListener('click', () => {
    confirmThen(panel, S.confirmEscalate, () => act('escalate', {}));
  });
  q(panel, '.close').addEventListener('click', () => {
    const resolution = q<HTMLInputElement>(panel, '.resolution').value.trim() || (lang === 'en' ? 'resolved' : '已处理');
    const tags = q<HTMLInputElement>(panel, '.tags')
      .value.split(/[,，]/)
      .map((t) => t.trim())
      .filter(Boolean);
    confirmThen(panel, S.confirmClose, () => act('close', { resolution, tags }));
  });
  q<HTMLFormElement>(panel, '.note-form').addEventListener(
    'submit',
    (e) =>
      void (async () => {
        e.preventDefault();
        const input = q<HTMLTextAreaElement>(panel, '.note-text');
        const text = input.value.trim();
        if (!text) return;
        const r = await api<ApiError>('POST', `/handoffs/${id}/notes`, { text });
        if (r.status !== 201) return void showError(panel, `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`);
        input.value = '';
        await refreshPanel(id);
      })(),
  );
  q<HTMLFormElement>(panel, '.whisper-form').addEventListener(
    'submit',
    (e) =>
      void (async () => {
        e.preventDefault();
        const input = q<HTMLInputElement>(panel, '.whisper-text');
        const text = input.value.trim();
        if (!text) return;
        const r = await api<ApiError>('POST', `/handoffs/${id}/whisper`, { text });
        if (r.status !== 201) return void showError(panel, `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`);
        input.value = '';
        await refreshPanel(id);
      })(),
  );
  q(panel, '.barge').addEventListener('click', () => {
    confirmThen(panel, S.confirmBarge, async () => {
      const r = await api<ApiError>('POST', `/handoffs/${id}/barge`);
      if (r.status !== 200) {
        showError(panel, `${S.actionFailed}${r.data.error?.message ?? String(r.status)}`);
        return;
      }
      await refreshInbox();
      await select(id);
    });
  });
}

/** Whether this agent may write to the customer in the active conversation. */
function canReply(): boolean {
  const d = active?.detail;
  return d?.status === 'assigned' && d.assignedTo === me?.id;
}

async function refreshPanel(id: string): Promise<void> {
  const shown = active;
  if (shown?.id !== id) return;
  const panel = shown.panel;
  const r = await api<Detail>('GET', `/handoffs/${id}`);
  // The agent may have moved on (or the chat left) while the request ran.
  if (r.status !== 200 || active !== shown) return;
  const d = r.data;
  shown.detail = d;
  const p = d.packet;
  // Summary and reason first.
  q(panel, '.summary').textContent = p.summary;
  const badges = [
    el('span', `${word(S.priorities, d.priority)} · ${word(S.groups, d.group)}`, `badge prio ${d.priority}`),
    el('span', `${S.reasons}: ${d.reasons.map((x) => word(S.handoffReasons, x)).join('、')}`, 'badge'),
    el('span', word(S.statuses, d.status), 'badge'),
  ];
  if (p.risk.level !== 'none')
    badges.push(el('span', `⚠ ${S.riskBadge} ${word(S.riskCategories, p.risk.category)}: ${p.risk.matched.join('、')}`, 'badge risk'));
  if (p.emotion.label !== 'neutral') badges.push(el('span', `${S.emotion}: ${word(S.emotions, p.emotion.label)}`, `badge ${p.emotion.label}`));
  q(panel, '.badges').replaceChildren(...badges);
  const rows: Array<[string, string]> = [
    [S.customer, `${p.customer.displayName ?? ''} (${p.customer.id})${p.customer.vipLevel ? ` · VIP${String(p.customer.vipLevel)}` : ''}`],
    [S.verification, word(S.verificationMethods, p.customer.verification.method)],
    [S.phone, p.customer.maskedPhone ?? S.none],
    [
      S.intents,
      p.intentHistory
        .slice(-4)
        .map((h) => word(S.intentNames, h.intent))
        .join(' → ') || S.none,
    ],
    [S.slaDue, timeOfDay(p.slaDueAt)],
  ];
  if (p.note) rows.push([S.note, p.note]);
  q(panel, '.facts').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  q(panel, '.orders').replaceChildren(
    ...p.orders.map((o) => {
      const tr = el('tr');
      tr.append(
        el('td', o.id),
        el('td', o.merchant ?? S.none),
        el('td', o.status ? word(S.orderStatuses, o.status) : S.none),
        el('td', o.amount === undefined ? S.none : `¥${String(o.amount)}`),
        el('td', o.verified ? S.orderVerified : S.orderMentioned),
      );
      return tr;
    }),
  );
  const transcript = q<HTMLOListElement>(panel, '.transcript');
  transcript.replaceChildren(
    ...d.transcript
      .filter((e) => e.speaker !== 'note')
      .map((e) => {
        const li = el('li', undefined, `line ${e.speaker}`);
        li.append(el('span', word(S.speakers, e.speaker), 'spk'), el('time', timeOfDay(e.at), 'at'), document.createTextNode(` ${e.text}`));
        for (const a of e.attachments ?? []) li.append(attachmentView(a));
        return li;
      }),
  );
  transcript.scrollTop = transcript.scrollHeight;
  q(panel, '.notes').replaceChildren(
    ...d.transcript
      .filter((e) => e.speaker === 'note')
      .map((e) => {
        const li = el('li', undefined, 'note-line');
        li.append(el('span', `${e.agentId ?? ''} · ${timeOfDay(e.at)}`, 'spk'), document.createTextNode(` ${e.text}`));
        return li;
      }),
  );
  void renderHistory(id, panel);
  const mine = d.assignedTo === me?.id;
  const supervising = me?.supervisor === true && !mine && d.status !== 'closed';
  q<HTMLButtonElement>(panel, 'form.reply button.send').disabled = !canReply();
  q<HTMLTextAreaElement>(panel, 'form.reply textarea').disabled = !mine;
  q<HTMLElement>(panel, '.readonly').hidden = mine;
  q<HTMLElement>(panel, '.readonly').textContent = S.readOnly;
  q<HTMLElement>(panel, '.actions').hidden = !mine;
  q<HTMLElement>(panel, '.whisper-form').hidden = !supervising;
  q<HTMLInputElement>(panel, '.whisper-text').disabled = d.status !== 'assigned';
  const sug = await api<{ suggestions: Array<{ intent: string; answer: string }> } | undefined>('GET', `/handoffs/${id}/suggestions`);
  q(panel, '.suggestions').replaceChildren(
    ...(sug.data?.suggestions ?? []).map((s) => {
      const b = button(`${word(S.intentNames, s.intent)}: ${s.answer}`, 'suggestion', () => {
        const ta = q<HTMLTextAreaElement>(panel, 'form.reply textarea');
        ta.value = s.answer;
        ta.dispatchEvent(new Event('input'));
      });
      return b;
    }),
  );
}

/**
 * A customer's file: a picture kefu stores is shown inline (same origin, as the CSP allows); anything
 * else is a download link — only for web addresses, opened without access to this page.
 */
function attachmentView(a: { contentType: string; url: string; name?: string }): HTMLElement {
  let url: URL;
  try {
    url = new URL(a.url, location.href);
  } catch {
    return el('span', `[${a.name ?? a.contentType}]`, 'attachment');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return el('span', `[${a.name ?? a.contentType}]`, 'attachment');
  const link = el('a', undefined, 'attachment');
  link.href = url.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  if (a.contentType.startsWith('image/') && url.origin === location.origin) {
    const img = el('img');
    img.src = url.href;
    img.alt = a.name ?? S.picture;
    img.loading = 'lazy';
    link.append(img);
  } else {
    link.textContent = `⬇ ${a.name ?? a.contentType}`;
  }
  return link;
}

/** The customer's earlier conversations with agents: what happened, how it ended, how they rated it. */
async function renderHistory(id: string, panel: HTMLElement): Promise<void> {
  const r = await api<{ items: HistoryItem[] }>('GET', `/handoffs/${id}/history`);
  if (r.status !== 200) return;
  const list = q(panel, '.history');
  if (r.data.items.length === 0) return void list.replaceChildren(el('li', S.historyNone, 'empty-row'));
  list.replaceChildren(
    ...r.data.items.map((h) => {
      const li = el('li', undefined, 'history-item');
      const when = new Date(h.createdAt).toLocaleString(lang, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
      const meta = el('div', undefined, 'meta');
      meta.append(el('span', when), el('span', word(S.statuses, h.status)));
      if (h.survey) meta.append(el('span', `${S.rated} ${String(h.survey.scores.overall ?? '—')}/5`, h.survey.flagged ? 'sla late' : ''));
      li.append(meta, el('div', h.summary, 'sum'));
      if (h.resolution) li.append(el('div', `→ ${h.resolution}${h.tags?.length ? ` [${h.tags.join(', ')}]` : ''}`, 'resolution-line'));
      return li;
    }),
  );
}

// ---------- keyboard: next / previous conversation, close ----------
document.addEventListener('keydown', (e) => {
  if (!e.altKey || !me) return;
  const ids = [...inbox.keys()];
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (ids.length === 0) return;
    const at = active ? ids.indexOf(active.id) : -1;
    const next = ids[(at + (e.key === 'ArrowDown' ? 1 : ids.length - 1) + ids.length) % ids.length];
    if (next) void select(next);
  } else if (e.key.toLowerCase() === 'k' && active && canReply()) {
    e.preventDefault();
    q<HTMLButtonElement>(active.panel, '.close').click();
  }
});

// ---------- live events ----------
let streamWasOpen = false;

/** The queue, the inbox, the open conversation and the supervisor's floor, read again after the live stream was down. */
async function catchUp(): Promise<void> {
  await Promise.all([refreshQueue(), refreshInbox(), active ? refreshPanel(active.id) : undefined]);
  if (!$('supervisor').hidden) await refreshSupervisor();
}

// The stream authenticates with a short-lived, single-use ticket: the agent's token never goes in a URL.
async function listen(): Promise<void> {
  const ticket = await api<{ ticket: string }>('POST', '/events/ticket');
  if (ticket.status !== 200) {
    $('live').classList.add('down');
    setTimeout(() => void listen(), 5000);
    return;
  }
  const source = new EventSource(`/agent/v1/events?ticket=${encodeURIComponent(ticket.data.ticket)}`);
  source.onopen = () => {
    $('live').classList.remove('down');
    // Back after a break (network, a restarted instance): the events sent meanwhile are not replayed,
    // so what they would have changed is read afresh.
    if (streamWasOpen) void catchUp();
    streamWasOpen = true;
  };
  source.onerror = () => {
    // The ticket is spent: a reconnect needs a new one.
    $('live').classList.add('down');
    source.close();
    setTimeout(() => void listen(), 2000);
  };
  const on = (type: string, fn: (e: LiveEvent) => void) => source.addEventListener(type, (m) => fn(JSON.parse((m as MessageEvent<string>).data) as LiveEvent));
  on('handoff.new', () => {
    void refreshQueue();
    notify();
  });
  for (const t of ['handoff.updated', 'handoff.callback', 'handoff.sla_warning', 'handoff.escalated']) on(t, () => void refreshQueue());
  on('handoff.assigned', (e) => {
    void refreshQueue();
    if (e.agentId === me?.id) {
      void refreshInbox().then(() => {
        if (!active) void select(e.handoffId);
      });
      notify();
    }
  });
  on('handoff.customer_message', (e) => {
    if (active?.id === e.handoffId) q<HTMLElement>(active.panel, '.typing').hidden = true;
    const entry = inbox.get(e.handoffId);
    if (entry) {
      entry.waitingSince ??= e.at ? Date.parse(e.at) : Date.now();
      if (active?.id !== e.handoffId) entry.unread += 1;
      renderInbox();
    }
    void refreshPanel(e.handoffId);
  });
  on('handoff.agent_message', (e) => {
    // Answered (from this console or any other): the customer no longer waits on this agent.
    const entry = inbox.get(e.handoffId);
    if (entry) {
      entry.waitingSince = undefined;
      renderInbox();
    }
    void refreshPanel(e.handoffId);
  });
  on('handoff.note', (e) => void refreshPanel(e.handoffId));
  // The customer is typing: shown under the transcript until they send, or for 6 s after the last sign.
  let typingTimer: number | undefined;
  on('handoff.customer_typing', (e) => {
    if (active?.id !== e.handoffId) return;
    const hint = q<HTMLElement>(active.panel, '.typing');
    hint.hidden = false;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => (hint.hidden = true), 6000);
  });
  for (const t of ['handoff.transferred', 'handoff.requeued', 'handoff.closed']) {
    on(t, (e) => {
      void refreshQueue();
      if (inbox.has(e.handoffId) && (t !== 'handoff.transferred' || e.by !== me?.id))
        void refreshInbox().then(() => inbox.has(e.handoffId) || leave(e.handoffId));
      else if (active?.id === e.handoffId) void refreshPanel(e.handoffId);
    });
  }
  on('handoff.barged', (e) => {
    if (e.agentId !== me?.id) return;
    if (active?.id === e.handoffId) showError(active.panel, S.bargedAway(e.by ?? ''));
    inbox.delete(e.handoffId);
    renderInbox();
    void refreshPanel(e.handoffId);
  });
}

/** A title badge and a short beep, so a new handoff is noticed from another tab. */
function notify(): void {
  if (!document.hasFocus()) {
    unseen += 1;
    document.title = `(${String(unseen)}) ${S.title}`;
  }
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
  } catch {
    // no audio: the title badge still shows
  }
}
window.addEventListener('focus', () => {
  unseen = 0;
  document.title = me ? S.title : baseTitle;
});

// ---------- supervisor: charts of the day (Chart.js, loaded by its own script tag) ----------
interface FloorStats {
  hours: string[];
  openedByReason: Record<string, number[]>;
  queueDepth: Record<string, number[]>;
  timeToAgentP50: Array<number | null>;
  timeToAgentP90: Array<number | null>;
  slaAttainment: Array<number | null>;
  csat: { dimensions: Record<string, number>; surveys: number };
}
interface ChartInstance {
  destroy(): void;
}
type ChartConstructor = new (canvas: HTMLCanvasElement, config: unknown) => ChartInstance;
const charts = new Map<string, ChartInstance>();
const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#57606a', '#0550ae'];

function draw(id: string, config: unknown): void {
  const Chart = (globalThis as { Chart?: ChartConstructor }).Chart;
  if (!Chart) return; // the chart script did not load: the tables below still tell the story
  charts.get(id)?.destroy();
  charts.set(id, new Chart($<HTMLCanvasElement>(id), config));
}

async function refreshCharts(): Promise<void> {
  const r = await api<FloorStats>('GET', '/supervisor/charts');
  if (r.status !== 200) return;
  const d = r.data;
  const labels = d.hours.map((h) => new Date(h).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hour12: false }));
  const options = (extra: Record<string, unknown> = {}) => ({ animation: false, maintainAspectRatio: false, responsive: true, ...extra });
  const series = (m: Record<string, number[]>, names: Record<string, string>) =>
    Object.entries(m)
      .filter(([, v]) => v.some((x) => x > 0))
      .map(([k, v], i) => ({ label: word(names, k), data: v, backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length] }));
  draw('chart-reasons', {
    type: 'bar',
    data: { labels, datasets: series(d.openedByReason, S.handoffReasons) },
    options: options({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }),
  });
  draw('chart-queue', {
    type: 'line',
    data: { labels, datasets: series(d.queueDepth, S.groups) },
    options: options({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
  });
  draw('chart-wait', {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: S.p50, data: d.timeToAgentP50, borderColor: PALETTE[0], spanGaps: true },
        { label: S.p90, data: d.timeToAgentP90, borderColor: PALETTE[1], spanGaps: true },
      ],
    },
    options: options({ scales: { y: { beginAtZero: true } } }),
  });
  draw('chart-sla', {
    type: 'line',
    data: {
      labels,
      datasets: [{ label: S.chartSla, data: d.slaAttainment.map((x) => (x === null ? null : Math.round(x * 100))), borderColor: PALETTE[2], spanGaps: true }],
    },
    options: options({ scales: { y: { min: 0, max: 100 } } }),
  });
  const dims = Object.keys(d.csat.dimensions);
  draw('chart-csat', {
    type: 'bar',
    data: {
      labels: dims.map((x) => word(S.csatDimensions, x)),
      datasets: [{ label: S.surveysN(d.csat.surveys), data: dims.map((x) => d.csat.dimensions[x]), backgroundColor: PALETTE[4] }],
    },
    options: options({ scales: { y: { min: 0, max: 5 } } }),
  });
}

// ---------- supervisor ----------
async function refreshSupervisor(): Promise<void> {
  const r = await api<{
    queues: Record<string, { waiting: number; oldestWaitSeconds: number }>;
    agents: Array<{ id: string; name: string; tier: number; presence: string; load: number; capacity: number }>;
    urgentWaiting: HandoffView[];
    slaBreaches: HandoffView[];
    active: HandoffView[];
    flaggedSurveys: Array<HandoffView & { survey?: { scores: Record<string, number>; comment?: string } }>;
  }>('GET', '/supervisor');
  if (r.status !== 200) return;
  const names = new Map(r.data.agents.map((a) => [a.id, a.name]));
  const table = (id: string, head: string[], rows: Array<Array<string | HTMLElement>>) => {
    const t = $<HTMLTableElement>(id);
    const hr = el('tr');
    hr.append(...head.map((h) => el('th', h)));
    t.replaceChildren(
      hr,
      ...rows.map((row) => {
        const tr = el('tr');
        tr.append(
          ...row.map((c) => {
            const td = el('td');
            td.append(c);
            return td;
          }),
        );
        return tr;
      }),
    );
  };
  table(
    'sup-live',
    [S.colAgent, S.colCustomer, S.colWait, S.colEmotion, S.colRisk, ''],
    r.data.active.map((h) => [
      names.get(h.assignedTo ?? '') ?? h.assignedTo ?? S.none,
      h.summary,
      clock(secondsSince(Date.parse(h.createdAt))),
      word(S.emotions, h.emotion.label),
      h.risk.level === 'none' ? S.none : `⚠ ${word(S.riskCategories, h.risk.category)}`,
      button(S.monitor, 'monitor', () => {
        showTab('work');
        void select(h.id);
      }),
    ]),
  );
  table(
    'sup-queues',
    [S.colGroup, S.colWaiting, S.colOldest],
    Object.entries(r.data.queues).map(([g, x]) => [word(S.groups, g), String(x.waiting), clock(x.oldestWaitSeconds)]),
  );
  table(
    'sup-agents',
    [S.colAgent, S.colTier, S.colPresence, S.colLoad],
    r.data.agents.map((a) => [
      a.name,
      String(a.tier),
      word({ online: S.online, away: S.away, offline: S.offline }, a.presence),
      `${String(a.load)}/${String(a.capacity)}`,
    ]),
  );
  $('sup-breaches').replaceChildren(
    ...r.data.urgentWaiting.map((h) => el('li', `⚠ ${S.urgentWaiting} · ${word(S.groups, h.group)} · ${h.summary}`, 'urgent')),
    ...r.data.slaBreaches.map((h) => el('li', `${word(S.priorities, h.priority)} · ${word(S.groups, h.group)} · ${h.summary}`)),
  );
  $('sup-flagged').replaceChildren(
    ...r.data.flaggedSurveys.map((h) => el('li', `${h.summary} · ${Object.values(h.survey?.scores ?? {}).join(' ')} ${h.survey?.comment ?? ''}`)),
  );
}
// A heartbeat while signed in: a console that goes silent (closed tab, dead laptop) makes its agent away.
setInterval(() => {
  if (token && me) void api('POST', '/heartbeat');
}, 20_000);

setInterval(() => {
  if (me?.supervisor && !$('supervisor').hidden) void refreshSupervisor();
}, 5000);
setInterval(() => {
  if (me?.supervisor && !$('supervisor').hidden) void refreshCharts();
}, 30_000);

setLanguage(lang);
if (token) void signIn();
