/**
 * Slack's limits for messages, modals and App Home, checked in one place. Slack refuses a payload
 * that breaks any of them (`invalid_blocks`, `invalid_arguments`) with no hint of where, so we look
 * first and report every violation with its path.
 *
 * Lengths are counted in UTF-16 code units (String.length), which is never less than the count in
 * characters: whatever Slack counts, a text that passes here is within its limit.
 *
 * Sources: docs.slack.dev Block Kit reference (blocks, block elements, composition objects, views).
 */
import { FirebreakError } from '../../errors.js';

export const SLACK_LIMITS = {
  message: { blocks: 50, text: 40_000, attachments: 100 },
  view: { blocks: 100, title: 24, submit: 24, close: 24, privateMetadata: 3000, callbackId: 255, externalId: 255 },
  blockId: 255,
  actionId: 255,
  section: { text: 3000, fields: 10, fieldText: 2000 },
  header: { text: 150 },
  context: { elements: 10 },
  actions: { elements: 25 },
  image: { url: 3000, altText: 2000, title: 2000 },
  input: { label: 2000, hint: 2000 },
  /** The markdown block: 12,000 characters for all of a payload's markdown blocks together. */
  markdown: { cumulativeText: 12_000 },
  button: { text: 75, value: 2000, url: 3000, accessibilityLabel: 75 },
  select: { options: 100, optionGroups: 100, placeholder: 150 },
  overflow: { options: 5 },
  checkboxes: { options: 10 },
  radioButtons: { options: 10 },
  option: { text: 75, value: 150, description: 75, url: 3000 },
  optionGroup: { label: 75, options: 100 },
  plainTextInput: { maxLength: 3000, placeholder: 150 },
  confirm: { title: 100, text: 300, confirm: 30, deny: 30 },
} as const;

export type SlackSurface = 'message' | 'modal' | 'home';

export interface LimitViolation {
  /** Where, as a JSON path from the payload: `blocks[3].elements[0].text.text`. */
  path: string;
  /** What is wrong, with the numbers: "is 3012 characters; the limit is 3000". */
  message: string;
}

export interface MessagePayload {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly violations: LimitViolation[] = [];
  private markdownTotal = 0;
  private blockIds = new Map<string, string>();

  add(path: string, message: string): void {
    this.violations.push({ path, message });
  }

  maxLength(path: string, value: unknown, limit: number): void {
    if (typeof value === 'string' && value.length > limit) this.add(path, `is ${value.length} characters; the limit is ${limit}`);
  }

  maxItems(path: string, value: unknown, limit: number, what: string): void {
    if (Array.isArray(value) && value.length > limit) this.add(path, `has ${value.length} ${what}; the limit is ${limit}`);
  }

  /** A text object: `{ type: plain_text | mrkdwn, text }`, optionally only plain_text. */
  textObject(path: string, value: unknown, limit: number, options: { required?: boolean; plainOnly?: boolean } = {}): void {
    if (value === undefined) {
      if (options.required) this.add(path, 'is required');
      return;
    }
    if (!isObject(value) || typeof value['text'] !== 'string') {
      this.add(path, 'must be a text object { type, text }');
      return;
    }
    const type = value['type'];
    if (options.plainOnly ? type !== 'plain_text' : type !== 'plain_text' && type !== 'mrkdwn') {
      this.add(`${path}.type`, options.plainOnly ? `must be "plain_text", got ${JSON.stringify(type)}` : `must be "plain_text" or "mrkdwn", got ${JSON.stringify(type)}`);
    }
    if (value['text'].length === 0) this.add(`${path}.text`, 'must not be empty');
    this.maxLength(`${path}.text`, value['text'], limit);
  }

  blocks(path: string, blocks: unknown, limit: number, what: string): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.add(path, 'must be an array of blocks');
      return;
    }
    this.maxItems(path, blocks, limit, `blocks (${what})`);
    blocks.forEach((block, index) => this.block(`${path}[${index}]`, block));
    if (this.markdownTotal > SLACK_LIMITS.markdown.cumulativeText) {
      this.add(path, `markdown blocks hold ${this.markdownTotal} characters together; the limit is ${SLACK_LIMITS.markdown.cumulativeText}`);
    }
  }

  block(path: string, block: unknown): void {
    if (!isObject(block) || typeof block['type'] !== 'string') {
      this.add(path, 'must be a block object with a type');
      return;
    }
    const blockId = block['block_id'];
    if (blockId !== undefined) {
      if (typeof blockId !== 'string' || blockId === '') this.add(`${path}.block_id`, 'must be a non-empty string');
      else {
        this.maxLength(`${path}.block_id`, blockId, SLACK_LIMITS.blockId);
        const first = this.blockIds.get(blockId);
        if (first !== undefined) this.add(`${path}.block_id`, `"${blockId}" is already used by ${first}; block_ids must be unique`);
        else this.blockIds.set(blockId, path);
      }
    }
    switch (block['type']) {
      case 'section': {
        if (block['text'] === undefined && block['fields'] === undefined) this.add(path, 'a section needs text or fields');
        this.textObject(`${path}.text`, block['text'], SLACK_LIMITS.section.text);
        const fields = block['fields'];
        if (fields !== undefined) {
          if (!Array.isArray(fields)) this.add(`${path}.fields`, 'must be an array of text objects');
          else {
            this.maxItems(`${path}.fields`, fields, SLACK_LIMITS.section.fields, 'fields');
            fields.forEach((field, i) => this.textObject(`${path}.fields[${i}]`, field, SLACK_LIMITS.section.fieldText));
          }
        }
        if (block['accessory'] !== undefined) this.element(`${path}.accessory`, block['accessory']);
        break;
      }
      case 'header':
        this.textObject(`${path}.text`, block['text'], SLACK_LIMITS.header.text, { required: true, plainOnly: true });
        break;
      case 'context': {
        const elements = block['elements'];
        if (!Array.isArray(elements) || elements.length === 0) {
          this.add(`${path}.elements`, 'must be a non-empty array');
          break;
        }
        this.maxItems(`${path}.elements`, elements, SLACK_LIMITS.context.elements, 'elements');
        elements.forEach((element, i) => {
          const elementPath = `${path}.elements[${i}]`;
          if (isObject(element) && element['type'] === 'image') this.imageElement(elementPath, element);
          else this.textObject(elementPath, element, SLACK_LIMITS.section.text);
        });
        break;
      }
      case 'actions': {
        const elements = block['elements'];
        if (!Array.isArray(elements) || elements.length === 0) {
          this.add(`${path}.elements`, 'must be a non-empty array');
          break;
        }
        this.maxItems(`${path}.elements`, elements, SLACK_LIMITS.actions.elements, 'elements');
        this.uniqueActionIds(path, elements);
        elements.forEach((element, i) => this.element(`${path}.elements[${i}]`, element));
        break;
      }
      case 'input':
        this.textObject(`${path}.label`, block['label'], SLACK_LIMITS.input.label, { required: true, plainOnly: true });
        this.textObject(`${path}.hint`, block['hint'], SLACK_LIMITS.input.hint, { plainOnly: true });
        if (block['element'] === undefined) this.add(`${path}.element`, 'is required');
        else this.element(`${path}.element`, block['element']);
        break;
      case 'image':
        this.maxLength(`${path}.image_url`, block['image_url'], SLACK_LIMITS.image.url);
        this.maxLength(`${path}.alt_text`, block['alt_text'], SLACK_LIMITS.image.altText);
        if (typeof block['alt_text'] !== 'string') this.add(`${path}.alt_text`, 'is required');
        if (block['image_url'] === undefined && block['slack_file'] === undefined) this.add(path, 'an image block needs image_url or slack_file');
        this.textObject(`${path}.title`, block['title'], SLACK_LIMITS.image.title, { plainOnly: true });
        break;
      case 'markdown':
        if (typeof block['text'] !== 'string') this.add(`${path}.text`, 'is required');
        else this.markdownTotal += block['text'].length;
        break;
      default:
        // divider, rich_text, file, video, table…: no length limits we rely on.
        break;
    }
  }

  uniqueActionIds(path: string, elements: unknown[]): void {
    const seen = new Map<string, number>();
    elements.forEach((element, i) => {
      if (!isObject(element) || typeof element['action_id'] !== 'string') return;
      const first = seen.get(element['action_id']);
      if (first !== undefined) this.add(`${path}.elements[${i}].action_id`, `"${element['action_id']}" is already used by elements[${first}]; action_ids must be unique in a block`);
      else seen.set(element['action_id'], i);
    });
  }

  element(path: string, element: unknown): void {
    if (!isObject(element) || typeof element['type'] !== 'string') {
      this.add(path, 'must be an element object with a type');
      return;
    }
    this.maxLength(`${path}.action_id`, element['action_id'], SLACK_LIMITS.actionId);
    if (element['confirm'] !== undefined) this.confirm(`${path}.confirm`, element['confirm']);
    const type = element['type'];
    switch (type) {
      case 'button':
        this.textObject(`${path}.text`, element['text'], SLACK_LIMITS.button.text, { required: true, plainOnly: true });
        this.maxLength(`${path}.value`, element['value'], SLACK_LIMITS.button.value);
        this.maxLength(`${path}.url`, element['url'], SLACK_LIMITS.button.url);
        this.maxLength(`${path}.accessibility_label`, element['accessibility_label'], SLACK_LIMITS.button.accessibilityLabel);
        break;
      case 'static_select':
      case 'multi_static_select':
        this.placeholder(path, element);
        this.optionList(`${path}.options`, element['options'], SLACK_LIMITS.select.options);
        if (Array.isArray(element['option_groups'])) {
          this.maxItems(`${path}.option_groups`, element['option_groups'], SLACK_LIMITS.select.optionGroups, 'option groups');
          element['option_groups'].forEach((group, i) => {
            const groupPath = `${path}.option_groups[${i}]`;
            if (!isObject(group)) return this.add(groupPath, 'must be an option group object');
            this.textObject(`${groupPath}.label`, group['label'], SLACK_LIMITS.optionGroup.label, { required: true, plainOnly: true });
            this.optionList(`${groupPath}.options`, group['options'], SLACK_LIMITS.optionGroup.options);
          });
        }
        break;
      case 'overflow':
        this.optionList(`${path}.options`, element['options'], SLACK_LIMITS.overflow.options);
        break;
      case 'checkboxes':
        this.optionList(`${path}.options`, element['options'], SLACK_LIMITS.checkboxes.options);
        break;
      case 'radio_buttons':
        this.optionList(`${path}.options`, element['options'], SLACK_LIMITS.radioButtons.options);
        break;
      case 'plain_text_input':
        this.placeholder(path, element);
        if (typeof element['max_length'] === 'number' && element['max_length'] > SLACK_LIMITS.plainTextInput.maxLength) {
          this.add(`${path}.max_length`, `is ${element['max_length']}; the limit is ${SLACK_LIMITS.plainTextInput.maxLength}`);
        }
        break;
      case 'image':
        this.imageElement(path, element);
        break;
      default:
        // users_select, conversations_select, datepicker…: only the common placeholder limit.
        this.placeholder(path, element);
        break;
    }
  }

  placeholder(path: string, element: Json): void {
    this.textObject(`${path}.placeholder`, element['placeholder'], SLACK_LIMITS.select.placeholder, { plainOnly: true });
  }

  imageElement(path: string, element: Json): void {
    this.maxLength(`${path}.image_url`, element['image_url'], SLACK_LIMITS.image.url);
    this.maxLength(`${path}.alt_text`, element['alt_text'], SLACK_LIMITS.image.altText);
  }

  optionList(path: string, options: unknown, limit: number): void {
    if (options === undefined) return;
    if (!Array.isArray(options)) return this.add(path, 'must be an array of options');
    this.maxItems(path, options, limit, 'options');
    options.forEach((option, i) => {
      const optionPath = `${path}[${i}]`;
      if (!isObject(option)) return this.add(optionPath, 'must be an option object { text, value }');
      this.textObject(`${optionPath}.text`, option['text'], SLACK_LIMITS.option.text, { required: true });
      this.maxLength(`${optionPath}.value`, option['value'], SLACK_LIMITS.option.value);
      this.textObject(`${optionPath}.description`, option['description'], SLACK_LIMITS.option.description);
      this.maxLength(`${optionPath}.url`, option['url'], SLACK_LIMITS.option.url);
    });
  }

  confirm(path: string, confirm: unknown): void {
    if (!isObject(confirm)) return this.add(path, 'must be a confirmation dialog object');
    this.textObject(`${path}.title`, confirm['title'], SLACK_LIMITS.confirm.title, { plainOnly: true });
    this.textObject(`${path}.text`, confirm['text'], SLACK_LIMITS.confirm.text);
    this.textObject(`${path}.confirm`, confirm['confirm'], SLACK_LIMITS.confirm.confirm, { plainOnly: true });
    this.textObject(`${path}.deny`, confirm['deny'], SLACK_LIMITS.confirm.deny, { plainOnly: true });
  }
}

/** Every way a chat message ({ text, blocks, attachments }) breaks Slack's limits. */
export function checkMessageLimits(message: MessagePayload): LimitViolation[] {
  const checker = new Checker();
  checker.maxLength('text', message.text, SLACK_LIMITS.message.text);
  checker.blocks('blocks', message.blocks, SLACK_LIMITS.message.blocks, 'per message');
  checker.maxItems('attachments', message.attachments, SLACK_LIMITS.message.attachments, 'attachments');
  if ((message.text ?? '').trim() === '' && (message.blocks?.length ?? 0) === 0 && (message.attachments?.length ?? 0) === 0) {
    checker.add('text', 'a message needs text, blocks or attachments');
  }
  return checker.violations;
}

/** Every way a modal or App Home view breaks Slack's limits. */
export function checkViewLimits(view: Record<string, unknown>): LimitViolation[] {
  const checker = new Checker();
  const type = view['type'];
  if (type !== 'modal' && type !== 'home') {
    checker.add('view.type', `must be "modal" or "home", got ${JSON.stringify(type)}`);
    return checker.violations;
  }
  if (view['blocks'] === undefined) checker.add('view.blocks', 'is required');
  checker.blocks('view.blocks', view['blocks'], SLACK_LIMITS.view.blocks, `per ${type} view`);
  if (type === 'modal') {
    checker.textObject('view.title', view['title'], SLACK_LIMITS.view.title, { required: true, plainOnly: true });
    checker.textObject('view.submit', view['submit'], SLACK_LIMITS.view.submit, { plainOnly: true });
    checker.textObject('view.close', view['close'], SLACK_LIMITS.view.close, { plainOnly: true });
    const hasInput = Array.isArray(view['blocks']) && view['blocks'].some((b) => isObject(b) && b['type'] === 'input');
    if (hasInput && view['submit'] === undefined) checker.add('view.submit', 'is required when the modal has input blocks');
  }
  checker.maxLength('view.private_metadata', view['private_metadata'], SLACK_LIMITS.view.privateMetadata);
  checker.maxLength('view.callback_id', view['callback_id'], SLACK_LIMITS.view.callbackId);
  checker.maxLength('view.external_id', view['external_id'], SLACK_LIMITS.view.externalId);
  return checker.violations;
}

/** Check a payload for a surface: a message, or a modal/home view. */
export function checkSlackLimits(surface: SlackSurface, payload: Record<string, unknown>): LimitViolation[] {
  if (surface === 'message') return checkMessageLimits(payload as MessagePayload);
  const violations = checkViewLimits(payload);
  if (payload['type'] !== surface && (payload['type'] === 'modal' || payload['type'] === 'home')) {
    violations.unshift({ path: 'view.type', message: `is "${String(payload['type'])}" but this surface takes "${surface}"` });
  }
  return violations;
}

/** Throw a FirebreakError (slack_limits_exceeded) listing every violation; `what` names the payload. */
export function assertWithinSlackLimits(surface: SlackSurface, payload: Record<string, unknown>, what: string = surface): void {
  const violations = checkSlackLimits(surface, payload);
  if (violations.length === 0) return;
  const list = violations.map((v) => `${v.path} ${v.message}`).join('; ');
  throw new FirebreakError('slack_limits_exceeded', `${what} breaks Slack's limits (${violations.length}): ${list}`);
}
