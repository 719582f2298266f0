import type { Locale } from '../kernel/locale';
import type { OrderStatus, ServiceRequestKind } from '../orders/orderService';

/** The bot's own sentences (FAQ answers live in nlu/data/answers.json). Every one passes the compliance filter (tested). */
/** What the customer is told about their handoff. */
export interface HandoffPrompts {
  queued: (o: { id: string; ahead: number; minutes: number }) => string;
  assigned: (o: { id: string; agent: string }) => string;
  /** `phone` is masked (138****1234); without one the customer is asked for a number. */
  callback: (o: { id: string; within: string; phone?: string }) => string;
  added: string;
  highRisk: string;
  timeout: string;
  /** A message while the handoff waits for a person (at most once a minute). */
  waitingAck: string;
  /** Urgent cases: the specialist has it, and what to do meanwhile for this kind of case. */
  waitingAckUrgent: Record<'safety' | 'security' | 'food_safety' | 'other', string>;
  positionUpdate: (o: { ahead: number; minutes: number }) => string;
  offerCallback: string;
  callbackBooked: (o: { within: string; phone?: string }) => string;
  callbackPhoneSaved: (phone: string) => string;
  /** An agent took the callback ticket. */
  callbackTaken: (agent: string) => string;
  agentJoined: (agent: string) => string;
  /** The agent handed the case on: to a team (by its name), to a named colleague, or up to a senior. */
  transferredToGroup: (team: string) => string;
  transferredToAgent: (agent: string) => string;
  escalated: string;
  /** Team names as customers read them. */
  teams: Record<'general' | 'orders' | 'payments' | 'after_sales' | 'food_safety' | 'security' | 'safety' | 'escalation', string>;
  requeued: string;
  idleReminder: string;
  closedIdle: string;
  /** Queued, nobody online who could take it: no false estimate. */
  queuedNobody: (o: { id: string }) => string;
  nobodyOnline: string;
  nobodyOnlineUrgent: string;
  closed: string;
  survey: string;
  surveyRetry: string;
  surveyThanks: string;
  surveyFlagged: string;
  surveySkipped: string;
  /** Tappable answers: "5 …" … "1 …" and skip. */
  surveyButtons: string[];
}

export interface Prompts {
  handoff: HandoffPrompts;
  fallback: string;
  /** A picture or file with no words: received, and what to do next. */
  attachmentReceived: string;
  fallbackHandoff: string;
  cancelled: string;
  nothingToCancel: string;
  askOrderId: string;
  orderIdFormat: string;
  orderIdGiveUp: string;
  askPhoneLast4: string;
  phoneLast4Format: string;
  /** Several orders verified in this conversation: which one? (buttons follow) */
  whichOrder: string;
  /** Heads the list of a signed-in customer's recent orders, before whichOrder. */
  recentOrders: string;
  /** Button labels offered when the customer cannot give an order number. */
  noOrderIdButton: string;
  personButton: string;
  myOrdersButton: string;
  /** The customer has no order number at hand. */
  noOrderIdHelp: string;
  /** A complaint or emotion while a number is awaited: the question is set aside, not repeated as a lecture. */
  promptAside: string;
  /** The customer left a prompt with thanks or a goodbye. */
  promptLeft: string;
  /** More than one order number in a message: the first is answered, then this. */
  nextOrder: (ids: string) => string;
  /** "可以说中文吗" / "English please": yes. */
  languageSwitched: string;
  /** The same FAQ asked again: it did not help. */
  answerDidNotHelp: string;
  nothingToRepeat: string;
  /** The digits are awaited and the customer asked for something else: verify first. */
  last4First: string;
  tokenInvalid: string;
  notFoundForUser: (orderId: string) => string;
  verificationFailed: (left: number) => string;
  verificationLocked: string;
  orderServiceDown: string;
  statusLine: (o: { id: string; merchant: string; amount: string; status: string }) => string;
  eta: (time: string) => string;
  deliveredAt: (time: string) => string;
  lateBy: (minutes: number) => string;
  /** Opens an answer about a late order when nothing kinder was said first. */
  sorryLate: string;
  refundLine: (o: { status: string; amount: string; requestedAt: string }) => string;
  noRefund: string;
  offer: Record<ServiceRequestKind, string>;
  notEligible: Record<'cancel' | 'refund' | 'return', string>;
  changeAddressOpen: (address: string) => string;
  changeAddressClosed: string;
  confirmYes: string;
  confirmNo: string;
  /** What was filed, for which order, why, and its reference. */
  submitted: (o: { kind: string; id: string; orderId: string; reason?: string }) => string;
  askReason: (kind: string) => string;
  declined: string;
  kindName: Record<ServiceRequestKind, string>;
  status: Record<OrderStatus, string>;
  refundStatus: Record<'processing' | 'completed' | 'rejected', string>;
  turnError: string;
}

const zh: Prompts = {
  handoff: {
    queued: (o) => `已为您转接人工客服（编号 ${o.id}），您前面还有 ${o.ahead} 位，预计等待约 ${o.minutes} 分钟。您可以继续描述问题，客服接入后都能看到。`,
    assigned: (o) => `已为您接通人工客服 ${o.agent}（编号 ${o.id}），请稍候，客服马上回复您。`,
    callback: (o) =>
      `当前暂无人工客服可以接待，已为您登记回电（编号 ${o.id}），我们会在${o.within}${o.phone ? `拨打您的手机 ${o.phone} 与您联系，如需换号直接发送新号码即可。` : '与您联系。请回复方便接听的手机号。'}`,
    added: '您的情况已补充到人工服务请求中，客服会一并处理，请稍候。',
    highRisk: '我们非常重视您反映的情况，已为您紧急转接专员处理。如有人身危险，请先拨打 110 或 120。',
    timeout: '抱歉让您久等了，系统处理较慢，已为您转接人工客服。',
    waitingAck: '收到，您的消息已同步给客服，客服接入后会第一时间看到，请稍候。',
    waitingAckUrgent: {
      safety: '收到，您不是一个人，专员马上就来，接入后会第一时间看到您的消息。如果此刻有危险，请先拨打 110（急救 120），并尽量待在安全的地方。',
      security:
        '收到，已同步给安全专员，接入后会第一时间处理。如果已经转账或被扣款，请立即联系银行或支付机构止付，并拨打 110 报警；任何人向您索要验证码都不要给。',
      food_safety: '收到，已同步给食品安全专员，接入后会第一时间处理。如果身体不适，请先就医，并保留剩余食物、包装和就医票据。',
      other: '收到，已同步给专员，专员接入后会第一时间处理，请稍候。',
    },
    positionUpdate: (o) => `您仍在排队中，前面还有 ${o.ahead} 位，预计还需约 ${o.minutes} 分钟，感谢您的耐心。`,
    offerCallback: '排队时间较长，如不方便等待，回复“回电”即可登记回电，我们会尽快联系您。',
    callbackBooked: (o) =>
      `已为您登记回电，我们会在${o.within}${o.phone ? `拨打您的手机 ${o.phone} 与您联系，如需换号直接发送新号码即可。` : '与您联系。请回复方便接听的手机号。'}`,
    callbackPhoneSaved: (phone) => `好的，我们会拨打 ${phone} 与您联系。`,
    callbackTaken: (agent) => `人工客服 ${agent} 已接入您的回电登记：您可以直接在这里继续沟通，如您不在线，客服会按登记的号码给您致电。`,
    agentJoined: (agent) => `人工客服 ${agent} 已接入，正在查看您的问题。`,
    transferredToGroup: (team) => `已为您转接到${team}，请稍候。新的客服能看到之前的全部对话，您不用再重复说明。`,
    transferredToAgent: (agent) => `已为您转接给客服 ${agent}，对方能看到之前的全部对话，您不用再重复说明。`,
    escalated: '您的问题已升级给资深客服处理，请稍候。对方能看到之前的全部对话，您不用再重复说明。',
    teams: {
      general: '综合客服',
      orders: '订单专员',
      payments: '支付专员',
      after_sales: '售后专员',
      food_safety: '食品安全专员',
      security: '账号安全专员',
      safety: '安全专员',
      escalation: '资深客服',
    },
    queuedNobody: (o) =>
      `已为您转接人工客服（编号 ${o.id}）。目前暂时没有可以接待的客服在线，有客服上线会第一时间为您接入。您可以继续描述问题，客服接入后都能看到。`,
    nobodyOnline: '目前仍没有可以接待的客服在线，有客服上线会第一时间为您接入。如不方便等待，回复“回电”即可登记回电。',
    nobodyOnlineUrgent: '您的情况已标记为紧急，值班主管已收到提醒，会尽快安排专人接入。如有人身危险，请先拨打 110 或 120。',
    idleReminder: '您好，客服还在为您服务，请问还有什么问题吗？如暂时没有回复，本次会话稍后将自动结束。',
    closedIdle: '由于长时间未收到您的回复，本次人工服务已结束。如需继续咨询，随时发消息给我们即可。',
    requeued: '抱歉，刚才的客服暂时无法继续接待，已为您优先转给下一位客服，您之前的对话记录都会保留。',
    closed: '本次人工服务已结束，感谢您的耐心。',
    survey: '请为本次服务打分：点选下面的分数（1-5 分），或按 效率、态度、清晰度、解决程度、总体 回复 5 个分数，例如“5 5 4 5 5 很满意”。回复“跳过”可不评价。',
    surveyRetry: '点选一个分数（1-5）即可，或回复“跳过”。',
    surveyThanks: '感谢您的评价！还有什么可以帮您？',
    surveyFlagged: '感谢您的评价，给您带来不好的体验非常抱歉，主管会查看本次服务并跟进改进。',
    surveySkipped: '好的，感谢您的耐心。还有什么可以帮您？',
    surveyButtons: ['5 非常满意', '4 满意', '3 一般', '2 不满意', '1 非常不满意', '跳过'],
  },
  fallback: '抱歉，我没有完全理解您的意思。您可以换个说法，或者选择下面的常见问题：',
  attachmentReceived: '已收到您发送的文件，转接人工后客服可以直接看到。请再用一句话说明遇到的问题，或回复“转人工”。',
  fallbackHandoff: '抱歉，我暂时没能理解您的问题，为您转接人工客服。',
  cancelled: '好的，已取消当前操作。还有什么可以帮您？',
  nothingToCancel: '好的。还有什么可以帮您？',
  askOrderId: '请提供您的订单号（KF开头加12位数字，可在 我的 > 订单 中查看）。',
  orderIdFormat:
    '我需要订单号才能查到这笔订单：在 我的 > 订单 > 订单详情 里，KF开头加12位数字（例如 KF202611220001），复制发给我就行。找不到的话点“没有订单号”。',
  orderIdGiveUp: '暂时没能识别到订单号。您可以在 我的 > 订单 中找到它，随时发给我；也可以回复“转人工”。',
  askPhoneLast4: '为保护您的隐私，请输入该订单预留手机号的后四位数字。',
  phoneLast4Format: '请输入 4 位数字（订单预留手机号的后四位）。如需更换订单，直接发送新的订单号即可。',
  whichOrder: '您想办理的是哪个订单？点选下面的订单号，或直接发送其他订单号。',
  recentOrders: '您最近的订单：',
  noOrderIdButton: '没有订单号',
  personButton: '转人工',
  myOrdersButton: '在哪找订单号',
  noOrderIdHelp: '订单号在 我的 > 订单 > 订单详情 中（KF开头加12位数字），复制后发给我就行。找不到也没关系，可以回复“转人工”，由人工客服帮您查。',
  promptAside: '把订单号（KF开头）发给我就能查到进度；没有订单号的话，点下面的按钮也可以。',
  promptLeft: '好的，有需要随时找我。',
  languageSwitched: '当然可以，我们用中文沟通。请问有什么可以帮您？',
  nextOrder: (ids) => `您还提到了订单 ${ids}，需要的话直接发送该订单号，我接着帮您查。`,
  answerDidNotHelp: '看来上面的说明没能解决您的情况。具体的情况我转给人工客服帮您处理会更快，点下面的“转人工”即可；也可以换个说法再问我。',
  nothingToRepeat: '您好，请问有什么可以帮您？',
  last4First: '先帮您核实一下身份：请回复这个订单预留手机号的后四位数字，核实后马上为您办理。',
  tokenInvalid: '您的登录凭证已失效，我们将通过手机号后四位为您核实身份。',
  notFoundForUser: (id) => `在您当前登录的账户下暂未查询到订单 ${id}，请核对订单号，或确认下单时使用的账户。`,
  verificationFailed: (left) => `信息核对未通过，请确认订单号和手机号后四位是否正确（还可尝试 ${left} 次）。`,
  verificationLocked: '身份核实未通过的次数较多，为保护账户安全，自助查询已暂停，我们为您转接人工客服。',
  orderServiceDown: '订单系统暂时繁忙，请稍后再试，或回复“转人工”由人工客服为您处理。',
  statusLine: (o) => `订单 ${o.id}（${o.merchant}，${o.amount}）当前状态：${o.status}。`,
  eta: (t) => `预计 ${t} 送达。`,
  deliveredAt: (t) => `系统显示已于 ${t} 送达。`,
  lateBy: (m) => `订单已超出预计送达时间约 ${m} 分钟。`,
  sorryLate: '非常抱歉让您久等了。',
  refundLine: (r) => `该订单的退款（${r.amount}，${r.requestedAt} 申请）当前状态：${r.status}。`,
  noRefund: '该订单暂无退款申请记录。',
  offer: {
    cancel: '该订单目前可以取消，需要我为您提交取消申请吗？',
    refund: '该订单符合退款条件，需要我为您提交退款申请吗？',
    return: '该订单在 7 天无理由退换期内，需要我为您提交退换货申请吗？',
    wrong_item: '需要我为您登记错发/漏发问题吗？登记后我们会在 48 小时内给您解决方案。',
  },
  notEligible: {
    cancel: '该订单当前状态无法直接取消。如需帮助，可回复“转人工”。',
    refund: '该订单当前状态暂不支持自助退款，可回复“转人工”由人工客服为您核实。',
    return: '该订单暂不符合 7 天无理由退换条件（已超过期限或属于餐饮/生鲜类），如有质量问题可回复“转人工”。',
  },
  changeAddressOpen: (a) => `当前收货地址：${a}。订单尚未配送，可在 订单详情 > 修改地址 中修改；涉及联系方式变更的，需要人工客服核实后处理。`,
  changeAddressClosed: '订单已进入配送或已完成，无法在线修改地址。如需联系骑手或改派，请回复“转人工”。',
  confirmYes: '确认提交',
  confirmNo: '暂不需要',
  submitted: (o) =>
    `已为订单 ${o.orderId} 提交${o.kind}申请${o.reason ? `（原因：${o.reason}）` : ''}，申请编号 ${o.id}。处理进展会通过App消息通知您，也可以在 我的 > 订单 > 订单详情 中查看。`,
  askReason: (kind) => `好的。请选择${kind}原因（也可以直接输入）：`,
  declined: '好的，没有做任何修改。还有什么可以帮您？',
  kindName: { cancel: '取消订单', refund: '退款', return: '退换货', wrong_item: '错发/漏发处理' },
  status: {
    pending_payment: '待支付',
    preparing: '商家备餐/备货中',
    delivering: '配送中',
    delivered: '已送达',
    cancelled: '已取消',
    refunding: '退款处理中',
    refunded: '已退款',
  },
  refundStatus: { processing: '处理中', completed: '已退回原支付账户', rejected: '未通过审核' },
  turnError: '抱歉，系统刚才出了点问题，您的消息没有丢失。请再发一次，或回复“转人工”由人工客服为您处理。',
};

const en: Prompts = {
  handoff: {
    queued: (o) =>
      `I'm passing you to a person (reference ${o.id}). There ${o.ahead === 1 ? 'is 1 person' : `are ${o.ahead} people`} ahead of you; the expected wait is about ${o.minutes} min. Keep describing your issue; the agent will see everything.`,
    assigned: (o) => `You're connected to ${o.agent} (reference ${o.id}); they will reply in a moment.`,
    callback: (o) =>
      `No agent can take your chat right now, so I've booked a call back (reference ${o.id}). We will contact you ${o.within}${o.phone ? ` on ${o.phone}; to use another number, just send it.` : '. Please reply with a phone number we can reach you on.'}`,
    added: "I've added this to your request for a person; the agent will handle it together.",
    highRisk: 'We take this very seriously and have passed you to a specialist urgently. If anyone is in danger, call the emergency services first.',
    timeout: "Sorry for the wait; our system is slow right now, so I'm passing you to a person.",
    waitingAck: 'Got it. Your message has been passed on, and the agent will see it as soon as they join. Please hold on.',
    waitingAckUrgent: {
      safety:
        "Got it. You're not alone: our specialist is on the way and will see your messages the moment they join. If you are in danger right now, call your local emergency number and stay somewhere safe.",
      security:
        'Got it, and passed to our security specialist. If money has already left your account, call your bank or payment provider now to stop it, and report it to the police; never give anyone your verification codes.',
      food_safety:
        'Got it, and passed to our food-safety specialist. If you feel unwell, see a doctor first, and keep the leftover food, the packaging and any medical receipts.',
      other: 'Got it, and passed to our specialist, who will see it the moment they join. Please hold on.',
    },
    positionUpdate: (o) => `You're still in the queue with ${o.ahead} ahead of you, about ${o.minutes} min to go. Thank you for your patience.`,
    offerCallback: 'The wait is long. If you prefer not to wait, reply "callback" and we will call you back.',
    callbackBooked: (o) =>
      `Done: we will call you back ${o.within}${o.phone ? ` on ${o.phone}; to use another number, just send it.` : '. Please reply with a phone number we can reach you on.'}`,
    callbackPhoneSaved: (phone) => `Thank you: we will call you on ${phone}.`,
    callbackTaken: (agent) => `${agent} has picked up your callback request: you can continue right here, or they will call you on the number you gave.`,
    agentJoined: (agent) => `${agent} has joined and is reading your conversation.`,
    transferredToGroup: (team) =>
      `We have passed your chat to our ${team}; please hold on. They can see the whole conversation, so there is no need to repeat anything.`,
    transferredToAgent: (agent) => `We have passed your chat to ${agent}, who can see the whole conversation, so there is no need to repeat anything.`,
    escalated: 'Your case has been escalated to a senior agent; please hold on. They can see the whole conversation, so there is no need to repeat anything.',
    teams: {
      general: 'support team',
      orders: 'orders team',
      payments: 'payments team',
      after_sales: 'after-sales team',
      food_safety: 'food safety team',
      security: 'account security team',
      safety: 'safety team',
      escalation: 'senior agents',
    },
    queuedNobody: (o) =>
      `I'm passing you to a person (reference ${o.id}). No agent who can take your chat is online right now; the first one to come online will. Keep describing your issue; they will see everything.`,
    nobodyOnline:
      'Still no agent who can take your chat is online; the first one to come online will. If you prefer not to wait, reply "callback" and we will call you back.',
    nobodyOnlineUrgent:
      'Your case is marked urgent and the duty supervisor has been alerted; a person will join as soon as possible. If anyone is in danger, call the emergency services first.',
    idleReminder: 'Are you still there? Your agent is ready to help. If we do not hear from you, this chat will close shortly.',
    closedIdle: 'We have not heard from you for a while, so this chat with our agent has closed. Message us any time to continue.',
    requeued: 'Sorry, your agent is no longer available. You keep your place and the next agent will take over; they will see the whole conversation.',
    closed: 'The agent has closed this chat. Thank you for your patience.',
    survey:
      'Please rate this chat: tap a score (1 to 5) below, or reply with five scores for efficiency, attitude, clarity, solution and overall, e.g. "5 5 4 5 5 great". Reply "skip" to skip.',
    surveyRetry: 'Just tap a score from 1 to 5, or reply "skip".',
    surveyThanks: 'Thank you for your feedback! What else can I help you with?',
    surveyFlagged: "Thank you for your feedback, and I'm sorry it fell short; a supervisor will review this chat.",
    surveySkipped: 'OK, thank you. What else can I help you with?',
    surveyButtons: ['5 Excellent', '4 Good', '3 OK', '2 Poor', '1 Very poor', 'Skip'],
  },
  fallback: "Sorry, I didn't quite get that. Could you say it another way, or pick one of these common questions?",
  attachmentReceived: 'Got your file; an agent will see it if you are handed over. Please tell me in a sentence what went wrong, or say "agent".',
  fallbackHandoff: "Sorry, I still couldn't understand your question, so I'm passing you to a person.",
  cancelled: 'OK, I have cancelled that. What else can I help you with?',
  nothingToCancel: 'OK. What else can I help you with?',
  askOrderId: 'Please send your order number (KF followed by 12 digits; you can find it under Me > Orders).',
  orderIdFormat:
    'I need the order number to find this order: it is under Me > Orders > Order details, KF followed by 12 digits (e.g. KF202611220001); copy it here. Can\'t find it? Tap "I don\'t have it".',
  orderIdGiveUp: 'I couldn\'t find an order number. You\'ll find it under Me > Orders; send it any time, or type "human" to talk to a person.',
  askPhoneLast4: 'To protect your privacy, please enter the last four digits of the phone number on this order.',
  phoneLast4Format: 'Please enter 4 digits (the last four of the phone number on the order). To switch orders, just send the other order number.',
  whichOrder: 'Which order is this about? Tap one below, or send another order number.',
  recentOrders: 'Your recent orders:',
  noOrderIdButton: "I don't have it",
  personButton: 'Talk to a person',
  myOrdersButton: 'Where is my order number?',
  noOrderIdHelp:
    'Your order number is under Me > Orders > Order details (KF followed by 12 digits); copy it and send it here. If you cannot find it, tap "Talk to a person" and an agent will look it up with you.',
  promptAside: "Whenever you're ready, send me the order number (it starts with KF) and I'll check right away; no order number? Use the buttons below.",
  promptLeft: "All right. I'm here whenever you need me.",
  languageSwitched: 'Of course, we can continue in English. How can I help you?',
  nextOrder: (ids) => `You also mentioned ${ids}; send that order number and I'll check it next.`,
  answerDidNotHelp:
    'It looks like that didn\'t answer your question. A person can look at your exact case; tap "Talk to a person" below, or ask me in other words.',
  nothingToRepeat: 'Hello, how can I help you?',
  last4First: "Let me verify it's you first: please reply with the last four digits of the phone number on this order, and I'll take care of it right after.",
  tokenInvalid: 'Your sign-in has expired, so I will verify you with the last four digits of your phone number instead.',
  notFoundForUser: (id) => `I couldn't find order ${id} under the account you are signed in with. Please check the number, or the account you ordered with.`,
  verificationFailed: (left) =>
    `Those details didn't match. Please check the order number and the last four digits (${left} attempt${left === 1 ? '' : 's'} left).`,
  verificationLocked: 'Verification failed too many times, so self-service lookup is paused to protect your account. I am passing you to a person.',
  orderServiceDown: 'The order system is busy right now. Please try again in a moment, or type "human" and an agent will help you.',
  statusLine: (o) => `Order ${o.id} (${o.merchant}, ${o.amount}) is currently: ${o.status}.`,
  eta: (t) => `Expected delivery at ${t}.`,
  deliveredAt: (t) => `It was marked as delivered at ${t}.`,
  lateBy: (m) => `The order is about ${m} minutes past its expected delivery time.`,
  sorryLate: "I'm sorry for the wait.",
  refundLine: (r) => `The refund for this order (${r.amount}, requested ${r.requestedAt}) is: ${r.status}.`,
  noRefund: 'There is no refund request on this order yet.',
  offer: {
    cancel: 'This order can still be cancelled. Shall I submit a cancellation for you?',
    refund: 'This order qualifies for a refund. Shall I submit a refund request for you?',
    return: 'This order is within the 7-day no-reason return period. Shall I submit a return/exchange request?',
    wrong_item: 'Shall I log the wrong or missing item for you? We will come back with a solution within 48 hours.',
  },
  notEligible: {
    cancel: 'This order can no longer be cancelled online. Type "human" if you need help with it.',
    refund: 'This order cannot be refunded through self-service in its current state; type "human" and an agent will check it for you.',
    return:
      'This order is not eligible for a 7-day no-reason return (the period has passed, or it is food/fresh produce). Type "human" if there is a quality problem.',
  },
  changeAddressOpen: (a) =>
    `The current delivery address is ${a}. The order has not been dispatched yet, so you can change it under Order details > Change address; changes to contact details are checked by an agent.`,
  changeAddressClosed:
    'The order is already out for delivery or completed, so the address cannot be changed online. Type "human" to reach the courier or redirect it.',
  confirmYes: 'Yes, submit',
  confirmNo: 'No, thanks',
  submitted: (o) =>
    `Your ${o.kind} request for order ${o.orderId}${o.reason ? ` (reason: ${o.reason})` : ''} has been filed, reference ${o.id}. You'll get an in-app message as it progresses, and can follow it under Me > Orders > Order details.`,
  askReason: (kind) => `OK. What's the reason for the ${kind}? Pick one below or type your own:`,
  declined: 'OK, nothing has been changed. What else can I help you with?',
  kindName: { cancel: 'cancellation', refund: 'refund', return: 'return/exchange', wrong_item: 'wrong/missing item' },
  status: {
    pending_payment: 'awaiting payment',
    preparing: 'being prepared',
    delivering: 'out for delivery',
    delivered: 'delivered',
    cancelled: 'cancelled',
    refunding: 'refund in progress',
    refunded: 'refunded',
  },
  refundStatus: { processing: 'in progress', completed: 'returned to your original payment method', rejected: 'not approved' },
  turnError: 'Sorry, something went wrong on our side; your message was not lost. Please send it again, or type "human" to talk to a person.',
};

export const PROMPTS: Record<Locale, Prompts> = { 'zh-CN': zh, en };

/** Every fixed sentence of both locales, for the compliance test. */
export function allPromptTexts(): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'function') out.push((v as (...a: unknown[]) => string)('X', 'Y'));
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  Object.values(PROMPTS).forEach(visit);
  return out;
}
