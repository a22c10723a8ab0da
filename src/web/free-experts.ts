import { type Api, problem } from './api';
import type { PersonView } from './api-types';
import { field, fill, h, section } from './dom';
import { since } from './format';
import type { LiveDirectory } from './live-directory';

// The agent's glance list: experts free right now, best match first (the
// server orders it), live as presence changes anywhere.

const REFETCH_DEBOUNCE_MS = 150;

function avatar(person: PersonView): HTMLElement {
  const initials = person.displayName
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const fallback = h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials);
  if (!person.photoUrl) return fallback;
  const img = h('img', { class: 'avatar', src: person.photoUrl, alt: '', width: 40, height: 40, loading: 'lazy' });
  img.addEventListener('error', () => img.replaceWith(fallback));
  return img;
}

export class FreeExperts {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'experts', 'aria-live': 'polite', 'aria-busy': 'true' });
  private readonly skill = h('select', {}, h('option', { value: '' }, 'Any skill'));
  private readonly language = h('select', {}, h('option', { value: '' }, 'Any language'));
  private selected?: string;
  private timer?: number;
  private items: PersonView[] = [];

  constructor(
    private readonly api: Api,
    private readonly directory: LiveDirectory,
    /** The expert picked as the escalation's target (undefined: none). */
    private readonly onSelect: (expert: PersonView | undefined) => void,
  ) {
    for (const select of [this.skill, this.language]) select.addEventListener('change', () => this.refetch());
    this.element = section(
      'Experts free now',
      h('div', { class: 'row filters' }, field('Skill', this.skill), field('Language', this.language)),
      this.list,
    );
    directory.onChange(() => {
      this.updateFilterOptions();
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.refetch(), REFETCH_DEBOUNCE_MS);
    });
    this.refetch();
  }

  /** The expert picked now, if still free. */
  picked(): PersonView | undefined {
    return this.items.find((p) => p.id === this.selected);
  }

  /** Skill names and languages that anyone in the directory has, for the filters and the skill target. */
  skills(): string[] {
    return [...new Set([...this.directory.people.values()].flatMap((p) => p.skills.map((s) => s.name)))].sort();
  }

  private updateFilterOptions(): void {
    const languages = [...new Set([...this.directory.people.values()].flatMap((p) => p.languages))].sort();
    syncOptions(this.skill, this.skills());
    syncOptions(this.language, languages);
  }

  private async refetch(): Promise<void> {
    const query = new URLSearchParams({ available: 'true' });
    if (this.skill.value) query.set('skill', this.skill.value);
    if (this.language.value) query.set('language', this.language.value);
    try {
      this.items = (await this.api.get<{ items: PersonView[] }>(`/v1/experts?${query}`)).items;
      this.render();
    } catch (err) {
      fill(this.list, h('li', { class: 'error' }, problem(err)));
    }
  }

  private render(): void {
    this.list.setAttribute('aria-busy', 'false');
    if (this.selected && !this.items.some((p) => p.id === this.selected)) this.select(undefined);
    if (!this.items.length) {
      fill(this.list, h('li', { class: 'muted' }, 'Nobody who matches is free right now.'));
      return;
    }
    const skill = this.skill.value;
    fill(
      this.list,
      ...this.items.map((p) => {
        const levels = p.skills
          .filter((s) => !skill || s.name === skill)
          .map((s) => `${s.name} ${s.level}/5`)
          .join(' · ');
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'expert',
              'data-expert': p.id,
              'aria-pressed': String(p.id === this.selected),
              onclick: () => this.select(p.id === this.selected ? undefined : p),
            },
            avatar(p),
            h('span', { class: 'expert-name' }, p.displayName),
            h('span', { class: 'expert-levels' }, levels || 'no skills listed'),
            h('span', { class: 'expert-meta' }, p.languages.join(', '), ' · idle ', since(p.presence.idleSince)),
          ),
        );
      }),
    );
  }

  private select(person: PersonView | undefined): void {
    this.selected = person?.id;
    this.onSelect(person);
    for (const button of this.list.querySelectorAll<HTMLButtonElement>('button.expert')) {
      button.setAttribute('aria-pressed', String(button.dataset.expert === this.selected));
    }
  }
}

/** Adds options that are new, keeping the current choice and focus. */
function syncOptions(select: HTMLSelectElement, values: string[]): void {
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of values) if (!have.has(v)) select.append(h('option', { value: v }, v));
}
