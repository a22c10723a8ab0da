import { type Api, ApiError } from './api';
import type { CaseFields, ContactReason } from './api-types';
import { field, fill, h, section, uid } from './dom';

// The case the agent collects during a call. It is kept in the tab's session
// storage under the call's id, so it lasts as long as the call even across a
// reload, and goes when the wrap-up is done.

const TOUCHPOINTS = ['phone', 'web', 'app', 'email', 'chat', 'shop'];
const storageKey = (callId: string) => `expert-bridge.case.${callId}`;

interface Draft {
  customerName: string;
  customerId: string;
  reason: string;
  summary: string;
  notes: string[];
  product: string;
  touchpoint: string;
  crmUrl: string;
  fields: [string, string][];
}

const emptyDraft = (): Draft => ({
  customerName: '',
  customerId: '',
  reason: '',
  summary: '',
  notes: [],
  product: '',
  touchpoint: 'phone',
  crmUrl: '',
  fields: [],
});

/** A trimmed text, or undefined when there is none (the API takes no empty strings). */
export const optional = (value: string) => value.trim() || undefined;

/** The configured contact reasons, or undefined while the server has no list (free text then). */
export async function loadContactReasons(api: Api): Promise<ContactReason[] | undefined> {
  try {
    return (await api.get<{ reasons: ContactReason[] }>('/v1/contact-reasons')).reasons;
  } catch (err) {
    if (err instanceof ApiError && err.routeMissing) return undefined;
    throw err;
  }
}

export function forgetCase(callId: string): void {
  sessionStorage.removeItem(storageKey(callId));
}

export class CaseForm {
  readonly element: HTMLElement;
  private draft: Draft;
  private readonly reasonSlot = h('div');
  private readonly notesList = h('ul', { class: 'notes', 'aria-live': 'polite' });
  private readonly fieldRows = h('div', { class: 'custom-fields' });
  private readonly error = h('p', { class: 'error', role: 'alert' });

  constructor(
    private readonly callId: string,
    private readonly customerPhone: string,
    reasons: Promise<ContactReason[] | undefined>,
  ) {
    this.draft = { ...emptyDraft(), ...(JSON.parse(sessionStorage.getItem(storageKey(callId)) ?? '{}') as Partial<Draft>) };
    const text = (key: 'customerName' | 'customerId' | 'summary' | 'product' | 'crmUrl', attrs = {}) =>
      h('input', { type: 'text', value: this.draft[key], ...attrs, oninput: (e: Event) => this.set(key, (e.target as HTMLInputElement).value) });
    const touchpoint = h(
      'select',
      { onchange: (e: Event) => this.set('touchpoint', (e.target as HTMLSelectElement).value) },
      ...TOUCHPOINTS.map((t) => h('option', { value: t, selected: t === this.draft.touchpoint }, t)),
    );
    const newNote = h('input', { type: 'text', id: uid('note'), placeholder: 'What the customer said, what was tried' });
    const addNote = () => {
      const note = newNote.value.trim();
      if (!note) return;
      this.set('notes', [...this.draft.notes, note]);
      newNote.value = '';
      this.renderNotes();
    };
    newNote.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        addNote();
      }
    });

    this.element = section(
      'Case',
      h(
        'form',
        { class: 'case-form', onsubmit: (e: Event) => e.preventDefault() },
        h('div', { class: 'row' }, field('Customer name', text('customerName', { autocomplete: 'off' })), field('Customer number', h('input', { type: 'text', value: customerPhone, readonly: true }))),
        this.reasonSlot,
        field('Summary', text('summary', { maxlength: '500' }), 'One sentence the expert reads first'),
        h('div', { class: 'field' }, h('label', { for: newNote.id }, 'Add a note'), h('div', { class: 'inline-group' }, newNote, h('button', { type: 'button', onclick: addNote }, 'Add note'))),
        this.notesList,
        h('div', { class: 'row' }, field('Product', text('product')), field('Touchpoint', touchpoint)),
        h('div', { class: 'row' }, field('Customer id', text('customerId', { autocomplete: 'off' })), field('CRM link', text('crmUrl', { type: 'url', placeholder: 'https://' }))),
        h('fieldset', {}, h('legend', {}, 'Custom fields'), this.fieldRows, h('button', { type: 'button', onclick: () => this.addField() }, 'Add field')),
        this.error,
      ),
    );
    this.renderNotes();
    this.renderFields();
    fill(this.reasonSlot, h('p', { class: 'muted' }, 'Loading reasons…'));
    void reasons.then(
      (list) => this.showReasons(list),
      () => this.showReasons(undefined),
    );
  }

  /** The case as the API takes it, or a message saying what is missing. */
  value(): { case: CaseFields } | { problem: string } {
    const d = this.draft;
    if (!d.reason.trim()) {
      this.error.textContent = 'Give the reason for the call first.';
      return { problem: this.error.textContent };
    }
    this.error.textContent = '';
    const fields = Object.fromEntries(d.fields.filter(([k, v]) => k.trim() && v.trim()).map(([k, v]) => [k.trim(), v.trim()]));
    const customer = { phone: this.customerPhone, name: optional(d.customerName), id: optional(d.customerId) };
    return {
      case: dropEmpty({
        customer: dropEmpty(customer),
        reason: d.reason.trim(),
        summary: optional(d.summary),
        notes: d.notes.length ? d.notes : undefined,
        product: optional(d.product),
        touchpoint: optional(d.touchpoint),
        crmUrl: optional(d.crmUrl),
        fields: Object.keys(fields).length ? fields : undefined,
      }),
    };
  }

  /** What the wrap-up form starts from. */
  wrapUpDefaults(): { reason: string; product?: string; touchpoint?: string; customerKey?: string } {
    const d = this.draft;
    return { reason: d.reason, product: optional(d.product), touchpoint: optional(d.touchpoint), customerKey: optional(d.customerId) };
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    this.draft[key] = value;
    sessionStorage.setItem(storageKey(this.callId), JSON.stringify(this.draft));
  }

  private showReasons(list: ContactReason[] | undefined): void {
    if (list?.length) {
      const select = h(
        'select',
        { required: true, onchange: (e: Event) => this.set('reason', (e.target as HTMLSelectElement).value) },
        h('option', { value: '' }, 'Choose…'),
        ...list.map((r) => h('option', { value: r.code, selected: r.code === this.draft.reason }, r.label)),
      );
      fill(this.reasonSlot, field('Reason', select));
    } else {
      const input = h('input', { type: 'text', required: true, value: this.draft.reason, oninput: (e: Event) => this.set('reason', (e.target as HTMLInputElement).value) });
      fill(this.reasonSlot, field('Reason', input, 'No list of reasons is configured on this server: describe it in a few words'));
    }
  }

  private renderNotes(): void {
    fill(
      this.notesList,
      ...this.draft.notes.map((note, i) =>
        h('li', {}, note, ' ', h('button', { type: 'button', class: 'link', 'aria-label': `Remove note ${i + 1}`, onclick: () => this.removeNote(i) }, 'remove')),
      ),
    );
  }

  private removeNote(index: number): void {
    this.set('notes', this.draft.notes.filter((_, i) => i !== index));
    this.renderNotes();
  }

  private addField(): void {
    this.set('fields', [...this.draft.fields, ['', '']]);
    this.renderFields();
    this.fieldRows.querySelector<HTMLInputElement>('.custom-field:last-child input')?.focus();
  }

  private renderFields(): void {
    const update = (i: number, part: 0 | 1) => (e: Event) => {
      const next = this.draft.fields.map((f) => [...f] as [string, string]);
      (next[i] as [string, string])[part] = (e.target as HTMLInputElement).value;
      this.set('fields', next);
    };
    fill(
      this.fieldRows,
      ...this.draft.fields.map(([name, value], i) =>
        h(
          'div',
          { class: 'custom-field row' },
          field(`Field ${i + 1} name`, h('input', { type: 'text', value: name, oninput: update(i, 0) })),
          field(`Field ${i + 1} value`, h('input', { type: 'text', value, oninput: update(i, 1) })),
          h('button', { type: 'button', class: 'link', 'aria-label': `Remove field ${i + 1}`, onclick: () => this.removeField(i) }, 'remove'),
        ),
      ),
    );
  }

  private removeField(index: number): void {
    this.set('fields', this.draft.fields.filter((_, i) => i !== index));
    this.renderFields();
  }
}

/** Leaves out what was not given, so the body carries only real values. */
function dropEmpty<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length))) as T;
}
