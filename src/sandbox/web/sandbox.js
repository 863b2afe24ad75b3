// The sandbox page: renders the loopback workspace (channels, threads, Block Kit, modals, App Home)
// for one persona at a time and turns clicks into the requests Slack would send. No framework: the
// state comes from /sandbox/state, and /sandbox/stream says when to fetch it again.
/* global document, window, fetch, setTimeout, clearTimeout, location, history, localStorage, sessionStorage, EventSource, Option, Element */

const $ = (id) => document.getElementById(id);

const ui = {
  state: null,
  persona: null,
  /** 'home' or a channel id */
  view: null,
  thread: null, // { channel, ts }
  modalKey: '',
  /** Last message ts each persona has seen in each channel (`${persona}:${channel}`), for unread marks. */
  seen: new Map(),
  /** A message a link asked to show: { channel, ts, thread }, scrolled to and highlighted once rendered. */
  focus: null,
  /** The page's language (the team's until the person picks another) and its texts, from /sandbox/texts. */
  lang: null,
  texts: {},
};

// ── Language ─────────────────────────────────────────────────────────────────────────────────────

/** A text of the page in its language: the catalog's template with {name} filled in. */
function tr(key, params = {}) {
  const template = ui.texts[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

/** A number as the page's language writes it (1,5 in Spanish). */
const formatNumber = (value, digits = 1) => new Intl.NumberFormat(ui.lang ?? undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);

/** Loads the texts of `lang` (null: the team's language) and puts them on the page's fixed parts. */
async function loadTexts(lang) {
  const response = await fetch(`/sandbox/texts${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const answer = await response.json();
  ui.lang = answer.locale;
  ui.texts = answer.texts;
  document.documentElement.lang = ui.lang;
  document.title = tr('sandbox.page.title');
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = tr(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-placeholder]')) element.placeholder = tr(element.dataset.i18nPlaceholder);
  for (const element of document.querySelectorAll('[data-i18n-aria-label]')) element.setAttribute('aria-label', tr(element.dataset.i18nAriaLabel));
  $('language').value = ui.lang;
}

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

async function post(path, body) {
  // The sandbox answers in the language picked here (its errors), not the browser's.
  const headers = { 'content-type': 'application/json', ...(ui.lang ? { 'x-sandbox-language': ui.lang } : {}) };
  const response = await fetch(`/sandbox/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const problems = (answer.problems ?? []).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n');
    throw new Error([answer.message ?? tr('sandbox.page.http_error', { status: response.status }), problems].filter(Boolean).join('\n'));
  }
  return answer;
}

function act(path, body) {
  return post(path, { as: ui.persona, ...body }).catch((error) => toast(error.message));
}

let toastTimer;
function toast(text) {
  const element = $('toast');
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (element.hidden = true), 6000);
}

/** Staff on call: who the page shows when it has no (valid) persona to show. */
const DEFAULT_PERSONA = 'U0STAFFSAM';
let refreshing = false;
let again = false;
/** Resolved once the page's texts are in: nothing is drawn before (it would show catalog keys). */
let textsLoaded = Promise.resolve();
async function refresh() {
  await textsLoaded;
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      // Scenario problems and drill failures come in the language picked here, like the page's own texts.
      const headers = ui.lang ? { 'x-sandbox-language': ui.lang } : {};
      const response = await fetch(`/sandbox/state?as=${encodeURIComponent(ui.persona ?? '')}`, { headers });
      if (!response.ok) {
        const answer = await response.json().catch(() => ({}));
        // A persona the sandbox does not have (a mistyped ?as=, one remembered from another sandbox) would
        // leave the page empty, with no one to pick: say which exist and show the default one.
        if (answer.error === 'unknown_persona' && ui.persona !== DEFAULT_PERSONA) {
          toast(answer.message);
          choosePersona(DEFAULT_PERSONA);
          continue;
        }
        throw new Error(answer.message ?? tr('sandbox.page.http_error', { status: response.status }));
      }
      ui.state = await response.json();
      render();
      announcing = true;
    } while (again);
  } catch (error) {
    toast(error.message);
  } finally {
    refreshing = false;
  }
}

// ── Text: mrkdwn, plain text, rich text ──────────────────────────────────────────────────────────

const EMOJI = {
  rotating_light: '🚨', warning: '⚠️', white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', fire: '🔥', eyes: '👀',
  ballot_box_with_check: '☑️', memo: '📝', speech_balloon: '💬', hourglass_flowing_sand: '⏳', bell: '🔔', red_circle: '🔴',
  large_orange_circle: '🟠', large_yellow_circle: '🟡', large_blue_circle: '🔵', white_circle: '⚪', green_circle: '🟢',
  chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', thumbsup: '👍', '+1': '👍', thumbsdown: '👎', pencil2: '✏️',
  lock: '🔒', no_entry: '⛔', stopwatch: '⏱️', clipboard: '📋', busts_in_silhouette: '👥', bust_in_silhouette: '👤', link: '🔗',
  house: '🏠', information_source: 'ℹ️', arrow_right: '➡️', construction: '🚧', heavy_minus_sign: '➖', sparkles: '✨', wave: '👋',
  tada: '🎉', pray: '🙏', rage: '😡', angry: '😠', cry: '😢', slightly_smiling_face: '🙂', mega: '📣', scroll: '📜', repeat: '🔁',
  alarm_clock: '⏰', arrows_counterclockwise: '🔄', books: '📚', bulb: '💡', checkered_flag: '🏁', fast_forward: '⏩', grey_question: '❔',
  large_green_circle: '🟢', leftwards_arrow_with_hook: '↩️', no_entry_sign: '🚫', pushpin: '📌', raising_hand: '🙋', spiral_note_pad: '🗒️',
  test_tube: '🧪', white_large_square: '⬜', smile: '😄', heart: '❤️', point_right: '👉', calendar: '📆', star: '⭐',
};

const escapeHtml = (text) => text.replace(/&(?!(?:amp|lt|gt|quot|#39);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const emojify = (html) => html.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all);
const safeUrl = (url) => (/^(https?:|mailto:)/i.test(url) ? url : '#');

function userName(id) {
  const user = ui.state?.users?.[id];
  return user ? user.name : id;
}

function channelName(id) {
  const channel = ui.state?.channels?.find((c) => c.id === id);
  return channel ? channel.name : id;
}

function formatDate(seconds, format) {
  const date = new Date(Number(seconds) * 1000);
  // As Slack shows dates: in the reader's language (the page's).
  const day = date.toLocaleDateString(ui.lang ?? undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  const time = date.toLocaleTimeString(ui.lang ?? undefined, { hour: '2-digit', minute: '2-digit' });
  return format.replace(/\{date_short_pretty\}|\{date_short\}|\{date_long\}|\{date_long_pretty\}|\{date\}|\{date_pretty\}/g, day).replace(/\{time_secs\}|\{time\}/g, time).replace(/\{ago\}/g, time);
}

/** One Slack `<…>` token: mention, channel, group, special mention, date or link. */
function entity(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(label ?? userName(target.slice(1)))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? channelName(target.slice(1)))}</span>`;
  if (target.startsWith('!subteam^')) return `<span class="mention">${escapeHtml(label ?? `@${ui.state?.groups?.[target.slice(9)] ?? 'group'}`)}</span>`;
  if (target.startsWith('!date^')) {
    const [, seconds, format] = target.split('^');
    return `<time datetime="${new Date(Number(seconds) * 1000).toISOString()}">${escapeHtml(formatDate(seconds, format ?? '{date} {time}'))}</time>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  return `<a href="${escapeHtml(safeUrl(target))}" target="_blank" rel="noopener noreferrer">${escapeHtml(label ?? target)}</a>`;
}

function inlineMrkdwn(text) {
  // Tokens first (they may hold * or _), then Slack's inline styles on the escaped rest.
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    parts.push(styles(escapeHtml(text.slice(last, match.index))));
    parts.push(entity(match[1]));
    last = match.index + match[0].length;
  }
  parts.push(styles(escapeHtml(text.slice(last))));
  return parts.join('');
}

function styles(html) {
  const code = [];
  html = html.replace(/`([^`\n]+)`/g, (all, inner) => {
    code.push(`<code>${inner}</code>`);
    return `\uE000${code.length - 1}\uE000`;
  });
  html = html
    .replace(/(^|[\s(>])\*(?!\s)([^*\n]+?)\*(?=$|[\s).,!?:;<])/g, '$1<strong>$2</strong>')
    .replace(/(^|[\s(>])_(?!\s)([^_\n]+?)_(?=$|[\s).,!?:;<])/g, '$1<em>$2</em>')
    .replace(/(^|[\s(>])~(?!\s)([^~\n]+?)~(?=$|[\s).,!?:;<])/g, '$1<del>$2</del>');
  return emojify(html).replace(/\uE000(\d+)\uE000/g, (all, index) => code[Number(index)]);
}

/** Slack mrkdwn to HTML: code blocks, quotes, lists as lines, inline styles, entities. */
function mrkdwn(text) {
  const out = [];
  const blocks = String(text ?? '').split(/```/);
  blocks.forEach((chunk, index) => {
    if (index % 2 === 1) {
      out.push(`<pre>${escapeHtml(chunk.replace(/^\n/, ''))}</pre>`);
      return;
    }
    let quote = [];
    const flush = () => {
      if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
      quote = [];
    };
    const lines = chunk.split('\n');
    lines.forEach((line, lineIndex) => {
      const quoted = /^(&gt;|>)\s?(.*)$/.exec(line);
      if (quoted) {
        quote.push(inlineMrkdwn(quoted[2]));
        return;
      }
      flush();
      out.push(inlineMrkdwn(line) + (lineIndex < lines.length - 1 ? '<br>' : ''));
    });
    flush();
  });
  return out.join('');
}

function textElement(object, tag = 'span') {
  const element = document.createElement(tag);
  if (!object) return element;
  if (object.type === 'mrkdwn') {
    element.className = 'mrkdwn';
    element.innerHTML = mrkdwn(object.text);
  } else {
    element.textContent = object.emoji === false ? object.text : object.text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all);
  }
  return element;
}

function richText(block) {
  const root = document.createElement('div');
  root.className = 'rich-text';
  const inline = (elements) => {
    const span = document.createElement('span');
    for (const item of elements ?? []) {
      let node;
      if (item.type === 'text') {
        node = document.createTextNode(item.text);
        const style = item.style ?? {};
        for (const [flag, tag] of [['code', 'code'], ['strike', 'del'], ['italic', 'em'], ['bold', 'strong']]) {
          if (style[flag]) {
            const wrapper = document.createElement(tag);
            wrapper.append(node);
            node = wrapper;
          }
        }
      } else if (item.type === 'link') {
        node = document.createElement('a');
        node.href = safeUrl(item.url);
        node.rel = 'noopener noreferrer';
        node.target = '_blank';
        node.textContent = item.text ?? item.url;
      } else if (item.type === 'user') {
        node = mention(`@${userName(item.user_id)}`);
      } else if (item.type === 'channel') {
        node = mention(`#${channelName(item.channel_id)}`);
      } else if (item.type === 'usergroup') {
        node = mention(`@${ui.state?.groups?.[item.usergroup_id] ?? 'group'}`);
      } else if (item.type === 'broadcast') {
        node = mention(`@${item.range}`);
      } else if (item.type === 'emoji') {
        node = document.createTextNode(item.unicode ? String.fromCodePoint(...item.unicode.split('-').map((hex) => parseInt(hex, 16))) : EMOJI[item.name] ?? `:${item.name}:`);
      } else {
        node = document.createTextNode(item.text ?? '');
      }
      span.append(node);
    }
    return span;
  };
  for (const element of block.elements ?? []) {
    if (element.type === 'rich_text_section') {
      const paragraph = document.createElement('p');
      paragraph.append(inline(element.elements));
      root.append(paragraph);
    } else if (element.type === 'rich_text_list') {
      const list = document.createElement(element.style === 'ordered' ? 'ol' : 'ul');
      for (const section of element.elements ?? []) {
        const item = document.createElement('li');
        item.append(inline(section.elements));
        list.append(item);
      }
      root.append(list);
    } else if (element.type === 'rich_text_quote') {
      const quote = document.createElement('blockquote');
      quote.append(inline(element.elements));
      root.append(quote);
    } else if (element.type === 'rich_text_preformatted') {
      const pre = document.createElement('pre');
      pre.append(inline(element.elements));
      root.append(pre);
    }
  }
  return root;
}

function mention(text) {
  const span = document.createElement('span');
  span.className = 'mention';
  span.textContent = text;
  return span;
}

// ── Block Kit ────────────────────────────────────────────────────────────────────────────────────

/**
 * Render blocks for a surface. `where` says where a click goes: { channel, ts, ephemeral } for a
 * message, { viewId } for a modal or App Home.
 */
function renderBlocks(blocks, where) {
  const container = document.createElement('div');
  container.className = 'blocks';
  for (const block of blocks ?? []) {
    const element = renderBlock(block, where);
    if (element) container.append(element);
  }
  return container;
}

function renderBlock(block, where) {
  switch (block.type) {
    case 'header': {
      const heading = textElement(block.text, 'h3');
      heading.className = 'block-header';
      return heading;
    }
    case 'section': {
      const section = document.createElement('div');
      section.className = 'block-section';
      const body = document.createElement('div');
      body.className = 'section-body';
      if (block.text) body.append(textElement(block.text, 'div'));
      if (block.fields?.length) {
        const fields = document.createElement('div');
        fields.className = 'section-fields';
        for (const field of block.fields) fields.append(textElement(field, 'div'));
        body.append(fields);
      }
      section.append(body);
      if (block.accessory) {
        const accessory = document.createElement('div');
        accessory.className = 'section-accessory';
        accessory.append(renderElement(block.accessory, block, where));
        section.append(accessory);
      }
      return section;
    }
    case 'context': {
      const context = document.createElement('div');
      context.className = 'block-context';
      for (const element of block.elements ?? []) context.append(element.type === 'image' ? image(element.image_url, element.alt_text, 'context-image') : textElement(element));
      return context;
    }
    case 'divider':
      return document.createElement('hr');
    case 'actions': {
      const row = document.createElement('div');
      row.className = 'block-actions';
      row.setAttribute('role', 'group');
      for (const element of block.elements ?? []) row.append(renderElement(element, block, where));
      return row;
    }
    case 'image': {
      const figure = document.createElement('figure');
      figure.className = 'block-image';
      figure.append(image(block.image_url ?? block.slack_file?.url, block.alt_text));
      if (block.title) figure.append(textElement(block.title, 'figcaption'));
      return figure;
    }
    case 'rich_text':
      return richText(block);
    case 'input':
      return renderInput(block, where);
    default: {
      const unknown = document.createElement('div');
      unknown.className = 'block-unknown';
      unknown.textContent = tr('sandbox.blocks.not_shown', { type: block.type });
      return unknown;
    }
  }
}

function image(url, alt, className = '') {
  const element = document.createElement('img');
  element.src = url ?? '';
  element.alt = alt ?? '';
  element.loading = 'lazy';
  if (className) element.className = className;
  return element;
}

const optionValue = (option) => ({ text: { type: 'plain_text', text: option.text.text }, value: option.value });
const allOptions = (element) => element.options ?? (element.option_groups ?? []).flatMap((group) => group.options);

/** Send a block_actions interaction for an element the persona used. */
function interact(where, block, element, extra) {
  const action = { action_id: element.action_id, block_id: block.block_id ?? '', type: element.type, ...extra };
  if (element.type === 'button') Object.assign(action, { text: element.text?.text, ...(element.value !== undefined ? { value: element.value } : {}) });
  const body = { action };
  if (where.viewId) Object.assign(body, { view_id: where.viewId, state: collectState() });
  else Object.assign(body, { channel: where.channel, message_ts: where.ts, ephemeral: Boolean(where.ephemeral) });
  return act('do/click', body);
}

function renderElement(element, block, where) {
  switch (element.type) {
    case 'button': {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `sk-button ${element.style ? `sk-${element.style}` : ''}`;
      button.textContent = element.text?.text ?? '';
      if (element.url) {
        const link = document.createElement('a');
        link.href = safeUrl(element.url);
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        link.className = button.className;
        link.textContent = button.textContent;
        return link;
      }
      button.addEventListener('click', async () => {
        if (element.confirm && !window.confirm(`${element.confirm.title?.text ?? ''}\n${element.confirm.text?.text ?? ''}`)) return;
        button.disabled = true;
        await interact(where, block, element, {});
        button.disabled = false;
      });
      return button;
    }
    case 'static_select':
    case 'overflow': {
      const label = document.createElement('label');
      label.className = 'sk-select';
      const select = document.createElement('select');
      select.setAttribute('aria-label', element.placeholder?.text ?? (element.type === 'overflow' ? tr('sandbox.blocks.more_actions') : tr('sandbox.blocks.choose')));
      const placeholder = new Option(element.type === 'overflow' ? '⋯' : element.placeholder?.text ?? tr('sandbox.blocks.choose'), '');
      select.append(placeholder);
      for (const option of allOptions(element)) select.append(new Option(option.text.text, option.value, false, element.initial_option?.value === option.value));
      select.addEventListener('change', () => {
        const option = allOptions(element).find((candidate) => candidate.value === select.value);
        if (option) void interact(where, block, element, { selected_option: optionValue(option) });
      });
      label.append(select);
      return label;
    }
    case 'users_select': {
      const select = usersSelect(element);
      select.addEventListener('change', () => void interact(where, block, element, { selected_user: select.value }));
      return select;
    }
    case 'datepicker': {
      const input = document.createElement('input');
      input.type = 'date';
      input.value = element.initial_date ?? '';
      input.addEventListener('change', () => void interact(where, block, element, { selected_date: input.value }));
      return input;
    }
    case 'image':
      return image(element.image_url, element.alt_text, 'accessory-image');
    default: {
      const span = document.createElement('span');
      span.className = 'block-unknown';
      span.textContent = `[${element.type}]`;
      return span;
    }
  }
}

function usersSelect(element) {
  const select = document.createElement('select');
  select.append(new Option(element.placeholder?.text ?? tr('sandbox.blocks.choose_someone'), ''));
  for (const [id, user] of Object.entries(ui.state.users)) {
    if (!user.isBot) select.append(new Option(user.realName, id, false, element.initial_user === id));
  }
  return select;
}

// Inputs in modals: each control carries data-block / data-action / data-type so the submission can
// be built as Slack builds view.state.values.
function renderInput(block, where) {
  const wrapper = document.createElement('div');
  wrapper.className = 'block-input';
  const element = block.element ?? {};
  const id = `in-${block.block_id}-${element.action_id}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  const label = document.createElement(['radio_buttons', 'checkboxes'].includes(element.type) ? 'span' : 'label');
  label.className = 'input-label';
  label.id = `${id}-label`;
  if (label.tagName === 'LABEL') label.htmlFor = id;
  label.append(textElement(block.label));
  if (block.optional) label.append(Object.assign(document.createElement('span'), { className: 'optional', textContent: ` ${tr('sandbox.blocks.optional')}` }));
  wrapper.append(label);

  let control;
  const mark = (node) => Object.assign(node.dataset, { block: block.block_id, action: element.action_id, type: element.type });
  switch (element.type) {
    case 'plain_text_input': {
      control = document.createElement(element.multiline ? 'textarea' : 'input');
      if (element.multiline) control.rows = 6;
      control.value = element.initial_value ?? '';
      if (element.placeholder) control.placeholder = element.placeholder.text;
      // No maxLength: it would cut a pasted text silently (mid-word), and the cut text would be submitted.
      // Slack keeps what was typed and refuses an over-long value: the sandbox does on submission (sandbox.ts).
      break;
    }
    case 'number_input': {
      // Text, not type=number: a browser's number input reads "1,5" by its own locale (15 in English
      // Chromium, the comma dropped as a thousands separator). What was typed goes as typed; the sandbox
      // reads it as Slack does, the same in Spanish and English, and refuses what could be read two ways.
      control = document.createElement('input');
      control.type = 'text';
      control.inputMode = element.is_decimal_allowed ? 'decimal' : 'numeric';
      control.autocomplete = 'off';
      // As Slack gives it (1.5): read back unchanged, it is the app's own number.
      control.value = element.initial_value ?? '';
      break;
    }
    case 'static_select': {
      control = document.createElement('select');
      control.append(new Option(element.placeholder?.text ?? tr('sandbox.blocks.choose'), ''));
      for (const option of allOptions(element)) control.append(new Option(option.text.text, option.value, false, element.initial_option?.value === option.value));
      break;
    }
    case 'users_select':
      control = usersSelect(element);
      break;
    case 'datepicker': {
      control = document.createElement('input');
      control.type = 'date';
      control.value = element.initial_date ?? '';
      break;
    }
    case 'radio_buttons':
    case 'checkboxes': {
      control = document.createElement('div');
      control.setAttribute('role', element.type === 'radio_buttons' ? 'radiogroup' : 'group');
      control.setAttribute('aria-labelledby', label.id);
      const selected = element.type === 'radio_buttons' ? [element.initial_option?.value] : (element.initial_options ?? []).map((o) => o.value);
      for (const option of element.options ?? []) {
        const choice = document.createElement('label');
        choice.className = 'choice';
        const input = document.createElement('input');
        input.type = element.type === 'radio_buttons' ? 'radio' : 'checkbox';
        input.name = id;
        input.value = option.value;
        input.checked = selected.includes(option.value);
        choice.append(input, textElement(option.text));
        if (option.description) choice.append(textElement(option.description, 'small'));
        control.append(choice);
      }
      break;
    }
    default:
      control = Object.assign(document.createElement('span'), { className: 'block-unknown', textContent: tr('sandbox.blocks.not_shown', { type: element.type }) });
  }
  control.id = id;
  mark(control);
  wrapper.append(control);
  // As in Slack, a field's error goes away once the persona changes the field.
  control.addEventListener('input', () => {
    wrapper.classList.remove('has-error');
    wrapper.querySelector('.field-error')?.remove();
    control.removeAttribute('aria-invalid');
  });
  if (block.dispatch_action || element.dispatch_action_config) {
    control.addEventListener('change', () => {
      const value = readControl(control);
      if (value) void interact(where, block, element, actionFields(value));
    });
  }
  if (block.hint) wrapper.append(textElement(block.hint, 'small'));
  const error = ui.state.modal?.errors?.[block.block_id];
  if (error) {
    const message = document.createElement('p');
    message.className = 'field-error';
    message.id = `${id}-error`;
    message.textContent = error;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', message.id);
    wrapper.append(message);
    wrapper.classList.add('has-error');
  }
  return wrapper;
}

function actionFields(value) {
  const { type: _type, ...fields } = value;
  return fields;
}

/** A control's value as Slack puts it in view.state.values; undefined when empty. */
function readControl(control) {
  const type = control.dataset.type;
  const element = findElement(control.dataset.block, control.dataset.action);
  switch (type) {
    case 'plain_text_input':
      return { type, value: control.value === '' ? null : control.value };
    case 'number_input':
      return { type, value: control.value === '' ? null : control.value };
    case 'static_select': {
      const option = allOptions(element ?? {}).find((candidate) => candidate.value === control.value);
      return { type, selected_option: option ? optionValue(option) : null };
    }
    case 'users_select':
      return { type, selected_user: control.value || null };
    case 'datepicker':
      return { type, selected_date: control.value || null };
    case 'radio_buttons': {
      const checked = control.querySelector('input:checked');
      const option = (element?.options ?? []).find((candidate) => candidate.value === checked?.value);
      return { type, selected_option: option ? optionValue(option) : null };
    }
    case 'checkboxes': {
      const values = [...control.querySelectorAll('input:checked')].map((input) => input.value);
      return { type, selected_options: (element?.options ?? []).filter((option) => values.includes(option.value)).map(optionValue) };
    }
    default:
      return undefined;
  }
}

function findElement(blockId, actionId) {
  const blocks = ui.state.modal?.blocks ?? ui.state.home?.blocks ?? [];
  const block = blocks.find((candidate) => candidate.block_id === blockId);
  return block?.element?.action_id === actionId ? block.element : undefined;
}

/** Every input in the open modal, as { [block_id]: { [action_id]: value } }. */
function collectState() {
  const values = {};
  for (const control of document.querySelectorAll('#modal-root [data-block]')) {
    const value = readControl(control);
    if (!value) continue;
    (values[control.dataset.block] ??= {})[control.dataset.action] = value;
  }
  return values;
}

// ── Page ─────────────────────────────────────────────────────────────────────────────────────────

const KIND_LABEL = { member: 'sandbox.persona.members', staff: 'sandbox.persona.staff', approver: 'sandbox.persona.approvers' };

function render() {
  const state = ui.state;
  $('team-name').textContent = state.team.name;
  renderPersonas(state);
  renderScenarios(state);
  renderDrills(state);
  const channels = state.channels.filter((channel) => !channel.isIm);
  if (ui.view !== 'home' && !state.channels.some((channel) => channel.id === ui.view)) ui.view = (channels.find((c) => c.name === 'general') ?? channels[0])?.id ?? 'home';
  // The open conversation is read: its messages so far no longer count as unread.
  if (ui.view !== 'home') {
    const open = state.channels.find((channel) => channel.id === ui.view);
    if (open) ui.seen.set(`${ui.persona}:${open.id}`, latestTs(open));
  }
  renderNav(state);
  if (ui.view === 'home') renderHome(state);
  else renderChannel(state);
  renderThread(state);
  renderModal(state);
  showFocus();
  rememberPlace();
}

/**
 * Where the persona is (?channel=, and ?thread= for an open thread) goes in the address, so that a
 * reload opens the same conversation, as Slack does, instead of #general. A message link's ?message= has
 * then been shown: it goes.
 */
function rememberPlace() {
  const url = new URL(location.href);
  url.searchParams.set('channel', ui.view);
  url.searchParams.delete('message');
  const thread = ui.thread && ui.view !== 'home' && !$('thread').hidden ? ui.thread.ts : null;
  if (thread) url.searchParams.set('thread', thread);
  else url.searchParams.delete('thread');
  if (url.href !== location.href) history.replaceState(null, '', url);
}

// ── Unread marks and message links ───────────────────────────────────────────────────────────────

/** What shows in the channel itself (not replies kept in threads). */
const inChannel = (message) => !message.thread_ts || message.thread_ts === message.ts || message.subtype === 'thread_broadcast';

function latestTs(channel) {
  const top = channel.messages.filter(inChannel);
  return top.length ? top[top.length - 1].ts : '0';
}

/** New messages from others since this persona last looked at the channel (none on a first look). */
function unreadCount(channel) {
  const key = `${ui.persona}:${channel.id}`;
  if (!ui.seen.has(key)) ui.seen.set(key, latestTs(channel));
  const seen = Number(ui.seen.get(key));
  return channel.messages.filter((message) => inChannel(message) && Number(message.ts) > seen && message.user !== ui.persona).length;
}

/** A link to a message of this sandbox (chat.getPermalink): /sandbox?channel=…&message=…[&thread=…], on any host. */
function sandboxMessageLink(href) {
  let url;
  try {
    url = new URL(href, location.href);
  } catch {
    return null;
  }
  const channel = url.searchParams.get('channel');
  const ts = url.searchParams.get('message');
  if (url.pathname.replace(/\/+$/, '') !== '/sandbox' || !channel || !ts) return null;
  return { channel, ts, thread: url.searchParams.get('thread') };
}

/** Opens the message's channel (and its thread, for a reply) and scrolls to it, as Slack does with its links. */
function openMessage(link) {
  ui.view = link.channel;
  ui.thread = link.thread ? { channel: link.channel, ts: link.thread } : null;
  ui.focus = link;
  render();
}

function showFocus() {
  const link = ui.focus;
  if (!link || !ui.state) return;
  const container = link.thread ? $('thread-messages') : $('messages');
  const article = [...container.querySelectorAll('article.message')].find((element) => element.dataset.ts === link.ts);
  if (!article) return;
  ui.focus = null;
  article.classList.add('highlighted');
  article.scrollIntoView({ block: 'center' });
  setTimeout(() => article.classList.remove('highlighted'), 4000);
}

function renderPersonas(state) {
  const select = $('persona');
  if (!select.options.length) {
    for (const kind of ['member', 'staff', 'approver']) {
      const group = document.createElement('optgroup');
      group.label = tr(KIND_LABEL[kind]);
      for (const persona of state.personas.filter((p) => p.kind === kind)) group.append(new Option(persona.realName, persona.id));
      select.append(group);
    }
  }
  select.value = state.me.id;
  // The persona's role in the page's language (the catalog has one per staff persona, one for members).
  const titleKey = state.me.kind === 'member' ? 'sandbox.persona.title.member' : `sandbox.persona.title.${state.me.handle}`;
  $('persona-title').textContent = ui.texts[titleKey] ? tr(titleKey) : state.me.title;
}

function renderScenarios(state) {
  const select = $('scenario');
  const key = state.scenarios.map((s) => s.id).join(',');
  if (select.dataset.key === key) return;
  select.dataset.key = key;
  select.replaceChildren(...state.scenarios.map((scenario) => new Option(tr('sandbox.drill.scenario_option', { name: scenario.name, language: scenario.language }), scenario.id)));
  $('play-drill').disabled = state.scenarios.length === 0;
}

const seconds = (ms) => (ms === null || ms === undefined ? '—' : tr('sandbox.drill.seconds', { seconds: formatNumber(ms / 1000) }));

function renderDrills(state) {
  const status = $('drill-status');
  const drill = state.drills[0];
  const problems = state.scenarioProblems ?? [];
  status.replaceChildren();
  if (problems.length) {
    const list = document.createElement('ul');
    list.className = 'problems';
    for (const p of problems) list.append(Object.assign(document.createElement('li'), { textContent: `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}` }));
    status.append(list);
  }
  if (!drill) return;
  const m = drill.metrics;
  const summary = document.createElement('div');
  summary.className = `drill-summary drill-${drill.state}`;
  summary.dataset.drill = drill.id;
  const title = document.createElement('strong');
  title.textContent = tr('sandbox.drill.summary', { name: drill.scenarioName, state: tr(`sandbox.drill.state.${drill.state}`), played: drill.stepsPlayed, total: drill.stepsTotal, speed: formatNumber(drill.speed, 0) });
  const metrics = document.createElement('dl');
  metrics.className = 'metrics';
  for (const [label, value, name] of [
    [tr('sandbox.drill.metric.alert'), seconds(m.timeToAlertMs) + (m.openedBy ? ` (${tr(`sandbox.drill.opened.${m.openedBy}`)})` : ''), 'alert'],
    [tr('sandbox.drill.metric.acknowledge'), seconds(m.timeToAcknowledgeMs), 'acknowledge'],
    [tr('sandbox.drill.metric.approval'), seconds(m.timeToFirstApprovalMs), 'approval'],
    [tr('sandbox.drill.metric.reply'), seconds(m.timeToFirstReplyMs), 'reply'],
  ]) {
    const wrap = document.createElement('div');
    wrap.dataset.metric = name;
    wrap.append(Object.assign(document.createElement('dt'), { textContent: label }), Object.assign(document.createElement('dd'), { textContent: value }));
    metrics.append(wrap);
  }
  summary.append(title, metrics);
  if (drill.error) summary.append(Object.assign(document.createElement('p'), { className: 'field-error', textContent: drill.error }));
  status.append(summary);
}

function renderNav(state) {
  const item = (channel) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'nav-item';
    button.textContent = channel.isIm ? `💬 ${channel.name}` : `${channel.isPrivate ? '🔒' : '#'} ${channel.name}`;
    if (channel.id === ui.view) button.setAttribute('aria-current', 'page');
    const unread = channel.id === ui.view ? 0 : unreadCount(channel);
    if (unread > 0) {
      button.classList.add('unread');
      button.dataset.unread = String(unread);
      button.append(Object.assign(document.createElement('span'), { className: 'unread-count', textContent: String(unread) }));
      button.setAttribute('aria-label', tr('sandbox.message.unread', { name: button.firstChild.textContent, count: unread }));
    }
    button.addEventListener('click', () => {
      ui.view = channel.id;
      ui.thread = null;
      render();
      $('conversation').focus();
    });
    li.append(button);
    return li;
  };
  $('channel-list').replaceChildren(...state.channels.filter((c) => !c.isIm).map(item));
  $('dm-list').replaceChildren(...state.channels.filter((c) => c.isIm).map(item));
  const home = $('nav-home');
  if (ui.view === 'home') home.setAttribute('aria-current', 'page');
  else home.removeAttribute('aria-current');
}

function messageElement(message, channel, options = {}) {
  const article = document.createElement('article');
  article.className = 'message';
  article.dataset.ts = message.ts;
  const user = ui.state.users[message.user] ?? { name: message.user ?? 'unknown', realName: message.user ?? 'unknown' };
  const head = document.createElement('div');
  head.className = 'message-head';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = message.bot_id ? 'Firebreak' : user.realName;
  head.append(author);
  if (message.bot_id) head.append(Object.assign(document.createElement('span'), { className: 'app-badge', textContent: tr('sandbox.message.app') }));
  const time = document.createElement('time');
  const date = new Date(Number(message.ts) * 1000);
  time.dateTime = date.toISOString();
  time.textContent = date.toLocaleTimeString(ui.lang ?? undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  head.append(time);
  if (message.edited) head.append(Object.assign(document.createElement('span'), { className: 'edited', textContent: tr('sandbox.message.edited') }));
  if (options.ephemeral) head.append(Object.assign(document.createElement('span'), { className: 'ephemeral-note', textContent: tr('sandbox.message.only_you') }));
  article.append(head);
  const where = { channel: channel.id, ts: message.ts, ephemeral: Boolean(options.ephemeral) };
  if (message.blocks?.length) article.append(renderBlocks(message.blocks, where));
  else if (message.text) article.append(textElement({ type: 'mrkdwn', text: message.text }, 'div'));
  for (const file of message.files ?? []) {
    if (file.mimetype?.startsWith('image/')) article.append(image(file.url_private, file.title, 'file-image'));
    else article.append(Object.assign(document.createElement('a'), { href: file.url_private, textContent: `📎 ${file.title}` }));
  }
  for (const attachment of message.attachments ?? []) {
    const bar = document.createElement('div');
    bar.className = 'attachment';
    if (attachment.color) bar.style.borderColor = /^#?[0-9a-f]{3,6}$/i.test(attachment.color) ? (attachment.color.startsWith('#') ? attachment.color : `#${attachment.color}`) : '';
    if (attachment.blocks) bar.append(renderBlocks(attachment.blocks, where));
    else if (attachment.text) bar.append(textElement({ type: 'mrkdwn', text: attachment.text }, 'div'));
    article.append(bar);
  }
  if (message.reactions?.length) {
    const reactions = document.createElement('div');
    reactions.className = 'reactions';
    for (const reaction of message.reactions) reactions.append(Object.assign(document.createElement('span'), { textContent: `${EMOJI[reaction.name] ?? `:${reaction.name}:`} ${reaction.count}` }));
    article.append(reactions);
  }
  // The message's menu: the app's message shortcuts, for messages that are not the app's own.
  if (!options.ephemeral && !message.bot_id && message.subtype !== 'tombstone' && ui.state.shortcuts?.length) {
    const menu = document.createElement('select');
    menu.className = 'message-menu';
    menu.setAttribute('aria-label', tr('sandbox.message.more_actions_on', { author: author.textContent }));
    menu.append(new Option(tr('sandbox.message.more_actions'), ''), ...ui.state.shortcuts.map((shortcut) => new Option(shortcut.name, shortcut.callbackId)));
    menu.addEventListener('change', () => {
      const callbackId = menu.value;
      menu.value = '';
      if (callbackId) void act('do/shortcut', { channel: channel.id, message_ts: message.ts, callback_id: callbackId });
    });
    head.append(menu);
  }
  if (!options.inThread && message.reply_count) {
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'thread-link';
    open.textContent = message.reply_count === 1 ? tr('sandbox.message.reply_one') : tr('sandbox.message.replies', { count: message.reply_count });
    open.addEventListener('click', () => openThread(channel.id, message.ts));
    article.append(open);
  } else if (!options.inThread && !options.ephemeral && message.subtype !== 'tombstone') {
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.className = 'thread-link subtle';
    reply.textContent = tr('sandbox.message.reply_in_thread');
    reply.addEventListener('click', () => openThread(channel.id, message.ts));
    article.append(reply);
  }
  return article;
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  render();
  $('thread-text').focus();
}

function keepScroll(container, fill) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  fill();
  if (atBottom) container.scrollTop = container.scrollHeight;
}

// The lists are rebuilt on every change, so they are not live regions themselves: new messages in the
// open conversation are announced once, here.
const announced = new Set();
let announcing = false;
function announceNew(channel, messages) {
  const fresh = messages.filter((message) => !announced.has(`${channel.id}:${message.ts}`));
  for (const message of messages) announced.add(`${channel.id}:${message.ts}`);
  // A conversation opened for the first time is read by moving into it, not announced.
  const firstVisit = !announced.has(channel.id);
  announced.add(channel.id);
  if (!announcing || firstVisit || !fresh.length) return;
  const last = fresh[fresh.length - 1];
  const author = last.bot_id ? 'Firebreak' : (ui.state.users[last.user]?.realName ?? tr('sandbox.message.someone'));
  $('announcer').textContent = `${fresh.length > 1 ? `${tr('sandbox.message.new_messages', { count: fresh.length })} ` : ''}${author}: ${last.text}`.slice(0, 300);
}

function renderChannel(state) {
  const channel = state.channels.find((c) => c.id === ui.view);
  $('conversation-title').textContent = channel.isIm ? tr('sandbox.page.dm_title') : `${channel.isPrivate ? '🔒' : '#'} ${channel.name}`;
  $('conversation-purpose').textContent = channel.purpose;
  $('composer').hidden = false;
  $('composer-text').placeholder = tr('sandbox.page.message_in', { where: channel.isIm ? 'Firebreak' : `#${channel.name}` });
  const container = $('messages');
  keepScroll(container, () => {
    const topLevel = channel.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast');
    const ephemeral = state.ephemeral.filter((m) => m.channel === channel.id && !m.thread_ts);
    const items = [...topLevel.map((m) => ({ m, ephemeral: false })), ...ephemeral.map((m) => ({ m: { ...m, user: state.bot.userId }, ephemeral: true }))].sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
    container.replaceChildren(...items.map(({ m, ephemeral: only }) => messageElement(m, channel, { ephemeral: only })));
    announceNew(channel, items.map(({ m }) => m));
    if (!items.length) container.append(Object.assign(document.createElement('p'), { className: 'empty', textContent: tr('sandbox.page.no_messages') }));
  });
}

function renderThread(state) {
  const aside = $('thread');
  const channel = ui.thread && state.channels.find((c) => c.id === ui.thread.channel);
  if (!channel || ui.view === 'home') {
    aside.hidden = true;
    return;
  }
  aside.hidden = false;
  $('thread-title').textContent = tr('sandbox.page.thread_in', { where: channel.isIm ? 'Firebreak' : `#${channel.name}` });
  const messages = channel.messages.filter((m) => m.ts === ui.thread.ts || m.thread_ts === ui.thread.ts);
  const ephemeral = state.ephemeral.filter((m) => m.channel === channel.id && m.thread_ts === ui.thread.ts).map((m) => ({ m: { ...m, user: state.bot.userId }, ephemeral: true }));
  const items = [...messages.map((m) => ({ m, ephemeral: false })), ...ephemeral].sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  const container = $('thread-messages');
  keepScroll(container, () => container.replaceChildren(...items.map(({ m, ephemeral: only }) => messageElement(m, channel, { inThread: true, ephemeral: only }))));
  announceNew(channel, items.map(({ m }) => m));
}

function renderHome(state) {
  $('conversation-title').textContent = tr('sandbox.page.home_title');
  $('conversation-purpose').textContent = tr('sandbox.page.home_purpose');
  $('composer').hidden = true;
  const container = $('messages');
  if (!state.home) {
    container.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: tr('sandbox.page.home_waiting') }));
    return;
  }
  const key = `${state.home.id}:${state.home.hash}`;
  if (container.dataset.home === key) return;
  container.dataset.home = key;
  container.replaceChildren(renderBlocks(state.home.blocks, { viewId: state.home.id }));
}

function renderModal(state) {
  const root = $('modal-root');
  const modal = state.modal;
  // Whose modal this is: the persona the state was fetched for.
  const owner = state.me.id;
  if (!modal) {
    forgetTyped(owner, null);
    if (!root.hidden) {
      root.hidden = true;
      root.replaceChildren();
      ui.modalKey = '';
    }
    return;
  }
  forgetTyped(owner, modal.id);
  const key = `${modal.id}:${modal.hash}:${JSON.stringify(modal.errors)}`;
  if (ui.modalKey === key) return;
  // Same view (new errors, or views.update): keep what the persona typed, as Slack does for every
  // input whose block_id and action_id stay the same. Drawn afresh (a reload, a switch of persona or
  // language while it stays open): what was typed in it before.
  const sameView = ui.modalKey.startsWith(`${modal.id}:`);
  const kept = sameView ? null : keptTyped(owner, modal.id);
  const typed = sameView ? collectState() : (kept?.values ?? null);
  ui.modalKey = key;
  const dialog = document.createElement('form');
  dialog.className = 'modal';
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-labelledby', 'modal-title');
  dialog.noValidate = true;
  const title = textElement(modal.title, 'h2');
  title.id = 'modal-title';
  const body = renderBlocks(modal.blocks, { viewId: modal.id });
  body.classList.add('modal-body');
  const footer = document.createElement('div');
  footer.className = 'modal-footer';
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = modal.close?.text ?? tr('sandbox.modal.cancel');
  close.addEventListener('click', () => act('do/close', { view_id: modal.id }));
  footer.append(close);
  if (modal.submit) {
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className = 'sk-button sk-primary';
    submit.textContent = modal.submit.text;
    footer.append(submit);
  }
  dialog.addEventListener('submit', async (event) => {
    event.preventDefault();
    // One submission at a time, as Slack's submit button does while the app answers: a double click
    // would send the view again after the app closed it (an error) or while it is still open (twice).
    if (dialog.dataset.submitting) return;
    const values = collectState();
    // Slack itself checks required inputs and lengths before the app hears of the submission.
    const missing = requiredErrors(modal, values);
    if (Object.keys(missing).length) {
      ui.state.modal = { ...modal, errors: missing };
      renderModal(ui.state);
      return;
    }
    dialog.dataset.submitting = 'true';
    dialog.querySelector('button[type="submit"]')?.setAttribute('disabled', '');
    try {
      await act('do/submit', { view_id: modal.id, values });
    } finally {
      delete dialog.dataset.submitting;
      dialog.querySelector('button[type="submit"]')?.removeAttribute('disabled');
    }
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') void act('do/close', { view_id: modal.id });
    if (event.key !== 'Tab') return;
    // Keep keyboard focus inside the modal, as a modal dialog should.
    const focusable = [...dialog.querySelectorAll('button, select, textarea, input, a[href]')].filter((element) => !element.disabled);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  // Kept as it is typed, so that drawing this view afresh gives it back.
  for (const kind of ['input', 'change']) dialog.addEventListener(kind, () => keepTyped(owner, modal.id, modal.hash));
  dialog.append(title, body, footer);
  root.replaceChildren(dialog);
  root.hidden = false;
  // Exactly as left (a cleared field stays empty) when the view has not changed since; else as above.
  if (typed) restoreState(typed, { exact: kept?.hash === modal.hash });
  const invalid = dialog.querySelector('[aria-invalid="true"]');
  (invalid ?? dialog.querySelector('textarea, input, select, button')).focus();
}

function requiredErrors(modal, values) {
  const errors = {};
  for (const block of modal.blocks ?? []) {
    if (block.type !== 'input' || !block.element) continue;
    const value = values[block.block_id]?.[block.element.action_id];
    const text = value?.value ?? '';
    const empty = !value || (value.value === null) || value.selected_option === null || value.selected_user === null || value.selected_date === null || (Array.isArray(value.selected_options) && value.selected_options.length === 0);
    if (!block.optional && empty) errors[block.block_id] = tr('sandbox.modal.required');
    else if (block.element.min_length && text && text.length < block.element.min_length) errors[block.block_id] = tr('sandbox.modal.min_length', { min: block.element.min_length });
  }
  return errors;
}

/**
 * What each persona typed in its open modal, by view id, for this tab (sessionStorage: a reload keeps
 * it). Slack keeps a modal's inputs until it closes; the sandbox keeps the modal open across a reload
 * or a switch of persona or language, so its inputs too. Forgotten once the modal closes.
 */
const TYPED_STORAGE = 'firebreak-sandbox-typed';

function typedStore() {
  try {
    const store = JSON.parse(sessionStorage.getItem(TYPED_STORAGE) ?? '{}');
    return store && typeof store === 'object' ? store : {};
  } catch {
    return {};
  }
}

function saveTypedStore(store) {
  try {
    sessionStorage.setItem(TYPED_STORAGE, JSON.stringify(store));
  } catch {
    // Storage full or refused: the text is then kept only while the modal stays drawn.
  }
}

function keepTyped(persona, viewId, hash) {
  const store = typedStore();
  store[`${persona}:${viewId}`] = { hash, values: collectState() };
  saveTypedStore(store);
}

function keptTyped(persona, viewId) {
  const kept = typedStore()[`${persona}:${viewId}`];
  return kept && typeof kept === 'object' && kept.values && typeof kept.values === 'object' ? kept : null;
}

/** Forgets what `persona` typed in modals other than `openViewId` (closed since). */
function forgetTyped(persona, openViewId) {
  const store = typedStore();
  const prefix = `${persona}:`;
  const stale = Object.keys(store).filter((key) => key.startsWith(prefix) && key !== `${prefix}${openViewId}`);
  if (stale.length === 0) return;
  for (const key of stale) delete store[key];
  saveTypedStore(store);
}

/**
 * Puts typed values back into the modal's controls. `exact`: also empties a field the persona cleared
 * and unticks what they unticked; otherwise only what holds a value is put back.
 */
function restoreState(values, { exact = false } = {}) {
  for (const control of document.querySelectorAll('#modal-root [data-block]')) {
    const value = values[control.dataset.block]?.[control.dataset.action];
    if (!value) continue;
    if (exact) {
      restoreExactly(control, value);
      continue;
    }
    if ('value' in value && value.value !== null && (control.tagName === 'INPUT' || control.tagName === 'TEXTAREA')) control.value = value.value;
    else if (value.selected_option && control.tagName === 'SELECT') control.value = value.selected_option.value;
    else if (value.selected_option) for (const input of control.querySelectorAll('input')) input.checked = input.value === value.selected_option.value;
    else if (value.selected_user) control.value = value.selected_user;
    else if (value.selected_date) control.value = value.selected_date;
  }
}

function restoreExactly(control, value) {
  if ('value' in value && (control.tagName === 'INPUT' || control.tagName === 'TEXTAREA')) control.value = value.value ?? '';
  else if ('selected_option' in value && control.tagName === 'SELECT') control.value = value.selected_option?.value ?? '';
  else if ('selected_option' in value) for (const input of control.querySelectorAll('input')) input.checked = input.value === value.selected_option?.value;
  else if ('selected_options' in value) for (const input of control.querySelectorAll('input')) input.checked = (value.selected_options ?? []).some((option) => option.value === input.value);
  else if ('selected_user' in value) control.value = value.selected_user ?? '';
  else if ('selected_date' in value) control.value = value.selected_date ?? '';
}

// ── Wiring ───────────────────────────────────────────────────────────────────────────────────────

/** Switches the page's own texts (Firebreak's messages stay in the language Firebreak wrote them in). */
async function chooseLanguage(lang) {
  localStorage.setItem('firebreak-sandbox-language', lang);
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  history.replaceState(null, '', url);
  textsLoaded = loadTexts(lang).catch((error) => toast(error.message));
  await textsLoaded;
  // Parts drawn once are drawn again in the new language.
  $('persona').replaceChildren();
  $('scenario').dataset.key = '';
  $('messages').dataset.home = '';
  ui.modalKey = '';
  if (ui.state) render();
  // Scenario problems and drill failures are said by the server: asked again in the new language.
  await refresh();
}

function choosePersona(id) {
  ui.persona = id;
  ui.modalKey = '';
  $('messages').dataset.home = '';
  localStorage.setItem('firebreak-sandbox-persona', id);
  const url = new URL(location.href);
  url.searchParams.set('as', id);
  history.replaceState(null, '', url);
  void refresh();
}

function start() {
  // Links to sandbox messages open the message here instead of leaving the page.
  document.addEventListener('click', (event) => {
    const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
    const link = anchor && sandboxMessageLink(anchor.getAttribute('href'));
    if (!link) return;
    event.preventDefault();
    openMessage(link);
  });
  const opened = sandboxMessageLink(location.href);
  if (opened) {
    ui.view = opened.channel;
    ui.thread = opened.thread ? { channel: opened.channel, ts: opened.thread } : null;
    ui.focus = opened;
  } else {
    // The place a reload left (rememberPlace): a channel this persona cannot see falls back to #general.
    const place = new URL(location.href).searchParams;
    const channel = place.get('channel');
    if (channel) {
      ui.view = channel;
      ui.thread = channel !== 'home' && place.get('thread') ? { channel, ts: place.get('thread') } : null;
    }
  }
  const fromUrl = new URL(location.href).searchParams.get('as');
  ui.persona = fromUrl ?? localStorage.getItem('firebreak-sandbox-persona') ?? DEFAULT_PERSONA;
  // Back in App Home after a reload: opening it is what tells the app to publish it, as a click does.
  if (ui.view === 'home') void act('do/home', {});
  $('persona').addEventListener('change', (event) => choosePersona(event.target.value));
  $('nav-home').addEventListener('click', () => {
    ui.view = 'home';
    ui.thread = null;
    $('messages').dataset.home = '';
    render();
    void act('do/home', {});
  });
  $('thread-close').addEventListener('click', () => {
    ui.thread = null;
    render();
  });
  const send = (form, textarea, thread) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = textarea.value;
      if (!text.trim()) return;
      textarea.value = '';
      const sent = await act('do/post', { channel: thread ? ui.thread.channel : ui.view, text, ...(thread ? { thread_ts: ui.thread.ts } : {}) });
      // Refused (too long for Slack, say): the text comes back to be fixed, as Slack keeps a message it did not send.
      if (!sent && textarea.value === '') textarea.value = text;
    });
    textarea.addEventListener('keydown', (event) => {
      // An Enter that confirms an input method's composition (Chinese, Japanese…) is not a send; Safari
      // flags that keydown with keyCode 229 only.
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  };
  send($('composer'), $('composer-text'), false);
  send($('thread-composer'), $('thread-text'), true);
  $('drill-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const play = event.submitter ?? $('drill-form').querySelector('button');
    if (play.disabled) return;
    play.disabled = true;
    try {
      const answer = await post('drills', { scenario: $('scenario').value, speed: Number($('speed').value) }).catch((error) => toast(error.message));
      if (answer?.drill) toast(tr('sandbox.drill.started', { name: answer.drill.scenarioName }));
    } finally {
      play.disabled = false;
    }
  });
  const stream = new EventSource('/sandbox/stream');
  stream.addEventListener('change', () => void refresh());
  stream.addEventListener('error', () => toast(tr('sandbox.page.connection_lost')));
  $('language').addEventListener('change', (event) => void chooseLanguage(event.target.value));
  // The team's language unless this person picked one (?lang= in the address, or earlier on this browser).
  const pickedLanguage = new URL(location.href).searchParams.get('lang') ?? localStorage.getItem('firebreak-sandbox-language');
  textsLoaded = loadTexts(pickedLanguage).catch((error) => toast(error.message));
  void refresh();
}

start();
