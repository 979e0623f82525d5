// The training tricks (T1-T20) and diagnosis rules (A1-A9) of TRAINING-TRICKS.md in plain words:
// every code on a page is a link to the glossary with the one-sentence explanation as its tooltip.
import { h } from './dom';

export interface GlossaryEntry {
  id: string;
  name: string;
  plain: string;
}

export const GLOSSARY: GlossaryEntry[] = [
  { id: 'T1', name: 'Optimizer', plain: 'How the model corrects itself after each batch: SGD with momentum ends most accurate, adaptive ones (Adam) get there faster.' },
  { id: 'T2', name: 'Large step with large momentum', plain: 'A large learning rate is fast and stays steady when momentum is large too (0.9).' },
  { id: 'T3', name: 'Step-wise slowing down', plain: 'Cut the learning rate by 10 at chosen epochs, e.g. 30, 60 and 90.' },
  { id: 'T4', name: 'Cosine slowing down', plain: 'Lower the learning rate smoothly along a cosine curve, down to a floor; robust, needs no extra settings.' },
  { id: 'T5', name: 'Other slowing-down curves', plain: 'Polynomial or exponential decay of the learning rate; supported, rarely the first choice.' },
  { id: 'T6', name: 'Warm-up', plain: 'Start with a tiny learning rate and raise it over the first epochs, so large batches do not blow up early.' },
  { id: 'T7', name: 'Slow down on a plateau', plain: 'Lower the learning rate when validation stops improving for a few epochs; always with a floor.' },
  { id: 'T8', name: 'Scale the rate with the batch', plain: 'Twice the images per batch, twice the learning rate (0.1 per 256 images).' },
  { id: 'T9', name: 'Weight decay', plain: 'A gentle pull of the weights towards zero that fights memorizing; too much and the model learns nothing.' },
  { id: 'T10', name: 'Label smoothing', plain: 'Train towards 90 % sure instead of 100 %; helps large models, can hurt small ones.' },
  { id: 'T11', name: 'Gentler crops for small models', plain: 'Small networks learn better from crops that keep most of the picture.' },
  { id: 'T12', name: 'Data augmentation', plain: 'Show each image slightly changed every time (flipped, cropped, mixed), so the model learns the subject and not the picture.' },
  { id: 'T13', name: 'Start from a trained model', plain: 'Begin from a network that already learned to see, with a small learning rate on small datasets so it is not destroyed.' },
  { id: 'T14', name: 'Two-stage fine-tune', plain: 'First train only the new last layer, then the whole network.' },
  { id: 'T15', name: 'Early stopping', plain: 'Stop when validation has not improved for a while and keep the best epoch.' },
  { id: 'T16', name: 'Data preparation', plain: 'One folder per class, balanced classes, and a test split kept apart so a lucky score cannot fool you.' },
  { id: 'T17', name: 'Consistent inputs', plain: 'Every image gets the model\'s size, and the schedule follows the real number of epochs.' },
  { id: 'T18', name: 'Batch norm, initialization, clipping', plain: 'Network details that keep training stable at a larger learning rate.' },
  { id: 'T19', name: 'Smallest network that works', plain: 'Try a small network first (ResNet-18 before ResNet-101): faster, and often enough.' },
  { id: 'T20', name: 'Iterate fast', plain: 'Start with quick runs and check validation often before spending hours.' },
  { id: 'A1', name: 'Overfitting', plain: 'The model is much better on its training images than on new ones: it memorizes.' },
  { id: 'A2', name: 'Underfitting', plain: 'The model is weak even on its own training images, or still improving when training ended.' },
  { id: 'A3', name: 'Not learning', plain: 'Validation accuracy stays at the level of guessing after several epochs.' },
  { id: 'A4', name: 'Diverging', plain: 'The loss became infinite or shot up: the learning rate is too large.' },
  { id: 'A5', name: 'Plateau', plain: 'Validation stopped improving while the learning rate is still high.' },
  { id: 'A6', name: 'Learning rate floor too low', plain: 'The learning rate fell so low that the model stopped improving although it still could.' },
  { id: 'A7', name: 'Unstable', plain: 'Validation jumps up and down from epoch to epoch.' },
  { id: 'A8', name: 'Batch changed without the rate', plain: 'The batch size differs from the preset but the learning rate was not scaled with it.' },
  { id: 'A9', name: 'Destroying pretrained weights', plain: 'A large learning rate on a small dataset wipes out what the pretrained model knew.' },
];

const BY_ID = new Map(GLOSSARY.map((e) => [e.id, e]));

/**
 * One code as a link to its glossary entry, with the plain sentence as tooltip. It opens in a new
 * tab, so a half-filled form or a live run page stays as it is.
 */
export function codeLink(id: string): HTMLElement {
  const entry = BY_ID.get(id);
  return h('a', { class: 'code-link', href: `#/glossary?focus=${id}`, target: '_blank', rel: 'noopener',
    title: entry ? `${entry.name}: ${entry.plain}` : id, 'aria-label': entry ? `${id}, ${entry.name}` : id,
    'data-code': id }, id);
}

/** A text with every trick and rule code in it turned into a glossary link. */
export function withCodes(text: string): (string | HTMLElement)[] {
  const out: (string | HTMLElement)[] = [];
  let last = 0;
  for (const match of text.matchAll(/\b([TA](?:20|1[0-9]|[1-9]))\b/g)) {
    if (!BY_ID.has(match[1])) continue;
    out.push(text.slice(last, match.index), codeLink(match[1]));
    last = match.index! + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((p) => p !== '');
}

/** Codes as links, separated by commas. */
export function codeList(ids: string[]): (string | HTMLElement)[] {
  return ids.flatMap((id, i) => (i === 0 ? [codeLink(id)] : [', ', codeLink(id)]));
}

export function glossaryPage(root: HTMLElement, focus: string | null): void {
  const section = (title: string, prefix: string) => h('section', { class: 'card' }, h('h2', {}, title),
    h('dl', { class: 'glossary' }, ...GLOSSARY.filter((e) => e.id.startsWith(prefix)).flatMap((e) => [
      h('dt', { id: `glossary-${e.id}`, class: e.id === focus ? 'focused' : undefined }, `${e.id} · ${e.name}`),
      h('dd', {}, e.plain)])));
  root.replaceChildren(h('h1', {}, 'Glossary'),
    h('p', { class: 'hint' }, 'What the codes on Kiln\'s pages mean. T: the training tricks Kiln applies;'
      + ' A: the patterns in the curves that Kiln\'s suggestions react to.'),
    section('Training tricks', 'T'), section('What the curves can show', 'A'));
  if (focus) document.getElementById(`glossary-${focus}`)?.scrollIntoView();
}
