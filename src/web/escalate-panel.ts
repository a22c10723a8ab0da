import { type Api, ApiError, problem } from './api';
import { ESCALATION_MODES, type EscalationModeName, type EscalationView, type PersonView } from './api-types';
import type { CaseForm } from './case-form';
import { field, fill, h, section, uid } from './dom';
import { escalationOpen, escalationProgress } from './escalation-progress';

// Escalate: the case, a target (the expert picked in the glance list, or a
// skill) and a mode go to POST /v1/calls/:id/escalations; then the progress,
// with merge and cancel while they make sense.

const MODE_LABEL: Record<EscalationModeName, { label: string; hint: string }> = {
  conference: { label: 'Conference', hint: 'The customer hears music until the expert joins; then all three talk.' },
  consult: { label: 'Consult first', hint: 'You brief the expert privately, then merge them in.' },
  transfer: { label: 'Warm transfer', hint: 'As consult; you leave after the merge.' },
  blind: { label: 'Blind transfer', hint: 'The first free expert takes the customer; you leave at once.' },
};

const escalationKey = (callId: string) => `expert-bridge.escalation.${callId}`;

/** A random key in any context (randomUUID needs https, a LAN address is not). */
function idempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class EscalatePanel {
  readonly element: HTMLElement;
  private expert?: PersonView;
  private escalation?: EscalationView;
  /** Pushes seen per escalation: a response read before a push is older than it. */
  private readonly pushes = new Map<string, number>();
  private readonly expertChoice = h('span', { class: 'muted' }, 'pick one under "Experts free now"');
  private readonly byExpert = h('input', { type: 'radio', name: 'target', value: 'expert', id: uid('t') });
  private readonly bySkill = h('input', { type: 'radio', name: 'target', value: 'skill', id: uid('t'), checked: true });
  private readonly skill = h('select', {});
  private readonly level = h('select', {}, ...[1, 2, 3, 4, 5].map((l) => h('option', { value: l }, `${l}+`)));
  private readonly language = h('input', { type: 'text', placeholder: 'any', size: 6 });
  private readonly modeButtons: HTMLButtonElement[];
  private readonly progress = h('div', { 'aria-live': 'polite' });
  private readonly controls = h('div', { class: 'inline-group' });
  private readonly error = h('p', { class: 'error', role: 'alert' });

  constructor(
    private readonly api: Api,
    private readonly callId: string,
    private readonly caseForm: CaseForm,
    private readonly skills: () => string[],
    private readonly name: (id?: string) => string,
    private readonly onChange: (escalation: EscalationView) => void,
  ) {
    const modes = ESCALATION_MODES.map((mode) => {
      const hint = h('small', { id: uid('m'), class: 'hint' }, MODE_LABEL[mode].hint);
      const button = h('button', { type: 'button', class: 'primary', 'aria-describedby': hint.id, onclick: () => void this.escalate(mode) }, MODE_LABEL[mode].label);
      return { button, hint };
    });
    this.modeButtons = modes.map((m) => m.button);
    this.element = section(
      'Escalate',
      h(
        'fieldset',
        { class: 'target' },
        h('legend', {}, 'Bring in'),
        h('div', { class: 'choice' }, this.byExpert, h('label', { for: this.byExpert.id }, 'This expert: '), this.expertChoice),
        h('div', { class: 'choice' }, this.bySkill, h('label', { for: this.bySkill.id }, 'Anyone free with the skill')),
        h('div', { class: 'row' }, field('Skill', this.skill), field('Level', this.level), field('Language', this.language)),
      ),
      h('ul', { class: 'modes' }, ...modes.map((m) => h('li', {}, m.button, m.hint))),
      this.progress,
      this.controls,
      this.error,
    );
    this.refreshSkills();
    const known = sessionStorage.getItem(escalationKey(callId));
    if (known) void this.reload(known);
  }

  refreshSkills(): void {
    const have = new Set([...this.skill.options].map((o) => o.value));
    for (const s of this.skills()) if (!have.has(s)) this.skill.append(h('option', { value: s }, s));
  }

  /** The expert picked in the glance list becomes the target. */
  setExpert(person: PersonView | undefined): void {
    this.expert = person;
    fill(this.expertChoice, person ? person.displayName : 'pick one under "Experts free now"');
    this.expertChoice.className = person ? '' : 'muted';
    this.byExpert.checked = !!person;
    this.bySkill.checked = !person;
  }

  /** An update pushed on the person's stream: always the newest state. */
  update(escalation: EscalationView): void {
    if (escalation.callId !== this.callId) return;
    this.pushes.set(escalation.id, (this.pushes.get(escalation.id) ?? 0) + 1);
    this.show(escalation);
  }

  /**
   * The escalation as a request read it. The 202 and a push travel on
   * different connections: a push that came while the request was out is
   * newer, and every later change is pushed too.
   */
  private fetched(escalation: EscalationView, pushesBefore: number): void {
    if ((this.pushes.get(escalation.id) ?? 0) !== pushesBefore) return;
    this.show(escalation);
  }

  private show(escalation: EscalationView): void {
    this.escalation = escalation;
    fill(this.progress, escalationProgress(escalation, this.name));
    const open = escalationOpen(escalation);
    for (const b of this.modeButtons) b.disabled = open;
    const id = escalation.id;
    fill(
      this.controls,
      escalation.state === 'consulting' ? h('button', { type: 'button', class: 'primary', onclick: () => void this.command(id, 'merge') }, 'Merge with the customer') : null,
      ['hunting', 'ringing', 'consulting'].includes(escalation.state) ? h('button', { type: 'button', onclick: () => void this.command(id, 'cancel') }, 'Cancel escalation') : null,
    );
    this.onChange(escalation);
  }

  current(): EscalationView | undefined {
    return this.escalation;
  }

  private target() {
    if (this.byExpert.checked) {
      if (!this.expert) return undefined;
      return { expertId: this.expert.id };
    }
    if (!this.skill.value) return undefined;
    const language = this.language.value.trim();
    return { skills: [{ name: this.skill.value, minLevel: Number(this.level.value) }], ...(language ? { language } : {}) };
  }

  private async escalate(mode: EscalationModeName): Promise<void> {
    this.error.textContent = '';
    const form = this.caseForm.value();
    if ('problem' in form) return;
    const target = this.target();
    if (!target) {
      this.error.textContent = this.byExpert.checked ? 'Pick an expert under "Experts free now" first.' : 'Choose a skill first.';
      return;
    }
    for (const b of this.modeButtons) b.disabled = true;
    try {
      const view = await this.api.post<EscalationView>(
        `/v1/calls/${this.callId}/escalations`,
        { target, mode, case: form.case },
        { 'idempotency-key': idempotencyKey() },
      );
      sessionStorage.setItem(escalationKey(this.callId), view.id);
      this.fetched(view, 0);
      // Pushes sent before the person's stream (re)connected are lost: read the state now.
      void this.reload(view.id);
    } catch (err) {
      this.error.textContent = err instanceof ApiError && err.routeMissing ? 'Escalation is not available on this server yet.' : problem(err);
      for (const b of this.modeButtons) b.disabled = false;
    }
  }

  private async command(id: string, action: 'merge' | 'cancel'): Promise<void> {
    this.error.textContent = '';
    try {
      await this.api.post(`/v1/escalations/${id}/${action}`);
    } catch (err) {
      this.error.textContent = problem(err);
    }
    await this.reload(id);
  }

  async reload(id = this.escalation?.id): Promise<void> {
    if (!id) return;
    const pushesBefore = this.pushes.get(id) ?? 0;
    try {
      this.fetched(await this.api.get<EscalationView>(`/v1/escalations/${id}`), pushesBefore);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) this.error.textContent = problem(err);
    }
  }
}

export const forgetEscalation = (callId: string) => sessionStorage.removeItem(escalationKey(callId));
