export {};

// The customer web chat: what an in-app IM webview shows. It speaks Direct Line 3.0 to kefu.
// Everything the bot, an agent or the customer wrote is rendered with textContent, never as HTML.

interface ChatActivity {
  id?: string;
  type: string;
  text?: string;
  name?: string;
  from?: { id: string; name?: string; role?: string };
  channelData?: { kefu?: { speaker?: string; agentName?: string } };
  suggestedActions?: { actions: Array<{ title: string; value?: unknown }> };
}

interface Session {
  token: string;
  conversationId: string;
  userId: string;
}

const DOMAIN = '/v3/directline';
const messages = document.getElementById('messages') as HTMLOListElement;
const quickReplies = document.getElementById('quick-replies') as HTMLDivElement;
const composer = document.getElementById('composer') as HTMLFormElement;
const input = document.getElementById('input') as HTMLInputElement;
const status = document.getElementById('status') as HTMLSpanElement;
let watermark = '0';
let session: Session;

async function getSession(): Promise<Session> {
  const saved = sessionStorage.getItem('kefu.chat');
  if (saved) return JSON.parse(saved) as Session;
  const res = await fetch('/chat/token', { method: 'POST' });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  const s = (await res.json()) as Session;
  sessionStorage.setItem('kefu.chat', JSON.stringify(s));
  return s;
}

function dl(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${DOMAIN}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
}

function speakerOf(a: ChatActivity): 'user' | 'agent' | 'bot' {
  if (a.from?.id === session.userId || a.from?.role === 'user') return 'user';
  return a.channelData?.kefu?.speaker === 'agent' ? 'agent' : 'bot';
}

function render(a: ChatActivity): void {
  if (a.type !== 'message' || !a.text) return;
  const who = speakerOf(a);
  const li = document.createElement('li');
  li.className = `msg ${who}`;
  li.dataset.speaker = who;
  if (who === 'agent') {
    const label = document.createElement('span');
    label.className = 'who';
    label.textContent = `人工客服 ${a.channelData?.kefu?.agentName ?? ''}`;
    li.append(label);
  }
  li.append(document.createTextNode(a.text));
  messages.append(li);
  messages.scrollTop = messages.scrollHeight;
  if (who !== 'user') showQuickReplies(a.suggestedActions?.actions ?? []);
}

function showQuickReplies(actions: Array<{ title: string; value?: unknown }>): void {
  quickReplies.replaceChildren(
    ...actions.map((action) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.title;
      b.addEventListener('click', () => void send(typeof action.value === 'string' ? action.value : action.title));
      return b;
    }),
  );
}

async function send(text: string): Promise<void> {
  const trimmed = text.trim();
  if (!trimmed) return;
  quickReplies.replaceChildren();
  const res = await dl(`/conversations/${session.conversationId}/activities`, {
    method: 'POST',
    body: JSON.stringify({ type: 'message', from: { id: session.userId, name: 'customer' }, text: trimmed, locale: navigator.language }),
  });
  if (!res.ok) status.textContent = `发送失败 (${res.status})`;
  await poll();
}

// The agent sees "typing…" while the customer writes: one typing activity every few seconds at most.
let lastTyping = 0;
input.addEventListener('input', () => {
  if (!input.value.trim() || Date.now() - lastTyping < 3000) return;
  lastTyping = Date.now();
  void dl(`/conversations/${session.conversationId}/activities`, {
    method: 'POST',
    body: JSON.stringify({ type: 'typing', from: { id: session.userId, name: 'customer' } }),
  });
});

let polling = false;
async function poll(): Promise<void> {
  if (polling) return;
  polling = true;
  try {
    const res = await dl(`/conversations/${session.conversationId}/activities?watermark=${watermark}`);
    if (!res.ok) {
      status.textContent = `连接异常 (${res.status})`;
      return;
    }
    const page = (await res.json()) as { activities: ChatActivity[]; watermark: string };
    watermark = page.watermark;
    page.activities.forEach(render);
    status.textContent = '在线';
  } catch {
    status.textContent = '网络异常，重试中…';
  } finally {
    polling = false;
  }
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value;
  input.value = '';
  void send(text);
});

async function main(): Promise<void> {
  session = await getSession();
  const started = await dl('/conversations', { method: 'POST' });
  if (!started.ok) {
    sessionStorage.removeItem('kefu.chat');
    status.textContent = `无法连接 (${started.status})`;
    return;
  }
  await poll();
  setInterval(() => void poll(), 700);
}

void main();
