// The agent console. Customer text is untrusted: every string from the API is rendered with
// textContent or as an attribute value, never as HTML.
export {};

interface Me {
  id: string;
  name: string;
  skills: string[];
  tier: number;
  capacity: number;
  supervisor: boolean;
  presence: string;
  load: number;
}
interface TranscriptEntry {
  at: string;
  speaker: string;
  text: string;
  agentId?: string;
}
interface Packet {
  summary: string;
  reason: string;
  reasons: string[];
  priority: string;
  group: string;
  slaDueAt: string;
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
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type it put in index.html
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
};

let token = sessionStorage.getItem('kefu.agentToken') ?? '';
let me: Me;
let queue: HandoffView[] = [];
const panels = new Map<string, HTMLElement>();
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
    $('login-error').textContent = '令牌无效 / invalid token';
    return;
  }
  sessionStorage.setItem('kefu.agentToken', token);
  me = r.data;
  $('login').hidden = true;
  $('app').hidden = false;
  $('me').textContent = `${me.name} · tier ${me.tier} · 容量 ${me.capacity}`;
  $<HTMLSelectElement>('presence').value = me.presence;
  $('tab-supervisor').hidden = !me.supervisor;
  await refreshQueue();
  const mine = await api<{ items: HandoffView[] }>('GET', '/handoffs');
  for (const h of mine.data.items) await openPanel(h.id);
  void listen();
  setInterval(tick, 1000);
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
  if (tab === 'supervisor') void refreshSupervisor();
}

// ---------- queue ----------
async function refreshQueue(): Promise<void> {
  const r = await api<{ items: HandoffView[] }>('GET', '/queue');
  if (r.status === 200) queue = r.data.items;
  renderQueue();
}

const clock = (seconds: number) => `${seconds < 0 ? '-' : ''}${Math.floor(Math.abs(seconds) / 60)}:${String(Math.abs(seconds) % 60).padStart(2, '0')}`;

function renderQueue(): void {
  const now = Date.now();
  $('queue-count').textContent = String(queue.length);
  // By group, then (as the API orders them) by priority and waiting time.
  const groups = [...new Set(queue.map((h) => h.group))];
  $('queue').replaceChildren(
    ...groups.flatMap((g) => [
      el('li', `${g} (${queue.filter((h) => h.group === g).length})`, 'qgroup'),
      ...queue
        .filter((h) => h.group === g)
        .map((h) => {
          const li = el('li', undefined, 'qitem');
          li.dataset.handoff = h.id;
          const slaLeft = Math.round((Date.parse(h.slaDueAt) - now) / 1000);
          if (slaLeft < 0 && h.status === 'queued') li.classList.add('breach');
          const meta = el('div', undefined, 'meta');
          meta.append(
            el('span', h.priority, `prio ${h.priority}`),
            el('span', h.group),
            el('span', h.status === 'callback' ? '待回电' : `等待 ${clock(Math.round((now - Date.parse(h.createdAt)) / 1000))}`, 'wait'),
          );
          const sla = el('span', `SLA ${clock(slaLeft)}`, `sla${slaLeft < 0 ? ' late' : ''}`);
          meta.append(sla);
          const claim = el('button', '接入 Claim');
          claim.type = 'button';
          claim.className = 'claim';
          claim.addEventListener('click', () => void claimOne(h.id));
          li.append(meta, el('div', h.summary, 'sum'), claim);
          return li;
        }),
    ]),
  );
}

async function claimOne(id: string): Promise<void> {
  const r = await api<(HandoffView & { error?: { message: string } }) | undefined>('POST', `/handoffs/${id}/claim`);
  if (r.status !== 200) alert(`无法接入: ${r.data?.error?.message ?? r.status}`);
  await refreshQueue();
  if (r.status === 200) await openPanel(id);
}

function tick(): void {
  renderQueue();
}

// ---------- conversation panels ----------
async function openPanel(id: string): Promise<void> {
  if (!panels.has(id)) {
    const tpl = $<HTMLTemplateElement>('panel-template');
    const panel = (tpl.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    panel.dataset.handoff = id;
    panels.set(id, panel);
    $('panels').append(panel);
    wirePanel(id, panel);
    // The chat is on this agent's screen: accepted (a dispatched chat is offered elsewhere if no console shows it).
    void api('POST', `/handoffs/${id}/accept`);
  }
  await refreshPanel(id);
}

function wirePanel(id: string, panel: HTMLElement): void {
  const form = panel.querySelector('form.reply') as HTMLFormElement;
  const textarea = form.querySelector('textarea') as HTMLTextAreaElement;
  const flag = form.querySelector('.flag') as HTMLParagraphElement;
  const send = form.querySelector('button') as HTMLButtonElement;
  let checkTimer: number | undefined;
  textarea.addEventListener('input', () => {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(async () => {
      const text = textarea.value.trim();
      if (!text) return void showFlag([]);
      const r = await api<{ violations: Array<{ match: string }> } | undefined>('POST', '/compliance/check', { text });
      showFlag(r.data?.violations ?? []);
    }, 250);
  });
  const showFlag = (violations: Array<{ match: string }>) => {
    flag.hidden = violations.length === 0;
    flag.textContent = violations.length ? `含禁用语，不能发送：${violations.map((v) => v.match).join('、')}` : '';
    send.disabled = violations.length > 0;
  };
  form.addEventListener(
    'submit',
    (e) =>
      void (async () => {
        e.preventDefault();
        const text = textarea.value.trim();
        if (!text) return;
        const r = await api<{ error?: { message: string; violations?: Array<{ match: string }> } } | undefined>('POST', `/handoffs/${id}/messages`, { text });
        if (r.status === 422) return void showFlag(r.data?.error?.violations ?? []);
        if (r.status !== 202) return void alert(`发送失败: ${r.data?.error?.message ?? r.status}`);
        textarea.value = '';
        await refreshPanel(id);
      })(),
  );
  panel.querySelector('.transfer')?.addEventListener(
    'click',
    () =>
      void (async () => {
        const group = (panel.querySelector('.transfer-group') as HTMLSelectElement).value;
        if (!group) return;
        const r = await api('POST', `/handoffs/${id}/transfer`, { group, note: `transferred from ${me.id}` });
        if (r.status === 200) closePanel(id);
      })(),
  );
  panel.querySelector('.escalate')?.addEventListener(
    'click',
    () =>
      void (async () => {
        const r = await api('POST', `/handoffs/${id}/escalate`, {});
        if (r.status === 200) closePanel(id);
      })(),
  );
  panel.querySelector('.close')?.addEventListener(
    'click',
    () =>
      void (async () => {
        const resolution = (panel.querySelector('.resolution') as HTMLInputElement).value.trim() || '已处理';
        const tags = (panel.querySelector('.tags') as HTMLInputElement).value
          .split(/[,，]/)
          .map((t) => t.trim())
          .filter(Boolean);
        const r = await api('POST', `/handoffs/${id}/close`, { resolution, tags });
        if (r.status === 200) closePanel(id);
      })(),
  );
}

function closePanel(id: string): void {
  panels.get(id)?.remove();
  panels.delete(id);
  void refreshQueue();
}

async function refreshPanel(id: string): Promise<void> {
  const panel = panels.get(id);
  if (!panel) return;
  const r = await api<Detail>('GET', `/handoffs/${id}`);
  if (r.status !== 200) return;
  const d = r.data;
  const p = d.packet;
  // Summary and reason first.
  (panel.querySelector('.summary') as HTMLElement).textContent = p.summary;
  const badges = panel.querySelector('.badges') as HTMLElement;
  const list = [el('span', `${d.priority} · ${d.group}`, 'badge'), el('span', `原因 ${d.reasons.join(', ')}`, 'badge')];
  if (p.risk.level !== 'none') list.push(el('span', `⚠ 高危 ${p.risk.category ?? ''}: ${p.risk.matched.join('、')}`, 'badge risk'));
  if (p.emotion.label !== 'neutral') list.push(el('span', p.emotion.label === 'anger' ? '情绪：愤怒' : '情绪：焦急', `badge ${p.emotion.label}`));
  badges.replaceChildren(...list);
  const facts = panel.querySelector('.facts') as HTMLElement;
  const rows: Array<[string, string]> = [
    ['客户', `${p.customer.displayName ?? ''} (${p.customer.id})${p.customer.vipLevel ? ` · VIP${p.customer.vipLevel}` : ''}`],
    ['验证', p.customer.verification.method === 'none' ? '未验证' : `已验证 (${p.customer.verification.method})`],
    ['电话', p.customer.maskedPhone ?? '—'],
    [
      '意图',
      p.intentHistory
        .slice(-4)
        .map((h) => `${h.intent} ${h.score}`)
        .join(' → ') || '—',
    ],
    ['SLA', new Date(p.slaDueAt).toLocaleTimeString()],
  ];
  if (p.note) rows.push(['备注', p.note]);
  facts.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  const orders = panel.querySelector('.orders') as HTMLTableElement;
  orders.replaceChildren(
    ...p.orders.map((o) => {
      const tr = el('tr');
      tr.append(
        el('td', o.id),
        el('td', o.merchant ?? '—'),
        el('td', o.status ?? '—'),
        el('td', o.amount === undefined ? '—' : `¥${String(o.amount)}`),
        el('td', o.verified ? '已验证' : '客户提及，未验证'),
      );
      return tr;
    }),
  );
  const transcript = panel.querySelector('.transcript') as HTMLOListElement;
  transcript.replaceChildren(
    ...d.transcript.map((e) => {
      const li = el('li', undefined, `line ${e.speaker}`);
      li.append(
        el('span', { customer: '客户', bot: '机器人', agent: '坐席', system: '系统' }[e.speaker] ?? e.speaker, 'spk'),
        document.createTextNode(` ${e.text}`),
      );
      return li;
    }),
  );
  transcript.scrollTop = transcript.scrollHeight;
  const sug = await api<{ suggestions: Array<{ intent: string; answer: string }> } | undefined>('GET', `/handoffs/${id}/suggestions`);
  const box = panel.querySelector('.suggestions') as HTMLElement;
  box.replaceChildren(
    ...(sug.data?.suggestions ?? []).map((s) => {
      const b = el('button', `${s.intent}: ${s.answer}`);
      b.type = 'button';
      b.addEventListener('click', () => {
        const ta = panel.querySelector('textarea') as HTMLTextAreaElement;
        ta.value = s.answer;
        ta.dispatchEvent(new Event('input'));
      });
      return b;
    }),
  );
  const mine = d.assignedTo === me.id || me.supervisor;
  (panel.querySelector('form.reply button') as HTMLButtonElement).disabled = !mine || d.status !== 'assigned';
}

// ---------- live events ----------
// The stream authenticates with a short-lived, single-use ticket: the agent's token never goes in a URL.
async function listen(): Promise<void> {
  const ticket = await api<{ ticket: string }>('POST', '/events/ticket');
  if (ticket.status !== 200) {
    $('live').classList.add('down');
    setTimeout(() => void listen(), 5000);
    return;
  }
  const source = new EventSource(`/agent/v1/events?ticket=${encodeURIComponent(ticket.data.ticket)}`);
  source.onopen = () => $('live').classList.remove('down');
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
  for (const t of ['handoff.updated', 'handoff.callback', 'handoff.sla_warning', 'handoff.transferred']) on(t, () => void refreshQueue());
  on('handoff.assigned', (e) => {
    void refreshQueue();
    if (e.agentId === me.id) {
      void openPanel(e.handoffId);
      notify();
    }
  });
  for (const t of ['handoff.customer_message', 'handoff.agent_message']) on(t, (e) => void refreshPanel(e.handoffId));
  on('handoff.closed', (e) => {
    if (e.agentId !== me.id) return;
    panels.get(e.handoffId)?.remove();
    panels.delete(e.handoffId);
  });
}

/** A title badge and a short beep, so a new handoff is noticed from another tab. */
function notify(): void {
  if (!document.hasFocus()) {
    unseen += 1;
    document.title = `(${unseen}) ${baseTitle}`;
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
  document.title = baseTitle;
});

// ---------- supervisor ----------
async function refreshSupervisor(): Promise<void> {
  const r = await api<{
    queues: Record<string, { waiting: number; oldestWaitSeconds: number }>;
    agents: Array<{ id: string; name: string; tier: number; presence: string; load: number; capacity: number }>;
    urgentWaiting: HandoffView[];
    slaBreaches: HandoffView[];
    flaggedSurveys: Array<HandoffView & { survey?: { scores: Record<string, number>; comment?: string } }>;
  }>('GET', '/supervisor');
  if (r.status !== 200) return;
  const table = (id: string, head: string[], rows: string[][]) => {
    const t = $<HTMLTableElement>(id);
    const hr = el('tr');
    hr.append(...head.map((h) => el('th', h)));
    t.replaceChildren(
      hr,
      ...rows.map((row) => {
        const tr = el('tr');
        tr.append(...row.map((c) => el('td', c)));
        return tr;
      }),
    );
  };
  table(
    'sup-queues',
    ['组', '等待', '最长等待'],
    Object.entries(r.data.queues).map(([g, q]) => [g, String(q.waiting), clock(q.oldestWaitSeconds)]),
  );
  table(
    'sup-agents',
    ['坐席', '层级', '状态', '负载'],
    r.data.agents.map((a) => [a.name, String(a.tier), a.presence, `${a.load}/${a.capacity}`]),
  );
  $('sup-breaches').replaceChildren(
    ...r.data.urgentWaiting.map((h) => el('li', `⚠ 紧急等待 ${h.group} · ${h.summary}`, 'urgent')),
    ...r.data.slaBreaches.map((h) => el('li', `${h.priority} ${h.group} · ${h.summary}`)),
  );
  $('sup-flagged').replaceChildren(
    ...r.data.flaggedSurveys.map((h) => el('li', `${h.summary} · ${Object.values(h.survey?.scores ?? {}).join(' ')} ${h.survey?.comment ?? ''}`)),
  );
}
// A heartbeat while signed in: a console that goes silent (closed tab, dead laptop) makes its agent away.
setInterval(() => {
  if (token) void api('POST', '/heartbeat');
}, 20_000);

setInterval(() => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `me` is only assigned at sign-in; the timer runs before it
  if (me?.supervisor && !$('supervisor').hidden) void refreshSupervisor();
}, 5000);

if (token) void signIn();
