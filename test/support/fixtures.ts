import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeadContext } from '../../lib/crm';

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'crm');
/** Pages of CRMs that are not built in, read through custom sites a test adds in Options. */
export const CUSTOM_SITES_DIR = join(import.meta.dirname, '..', 'fixtures', 'custom-sites');

/** A saved CRM page with the URL it lives at, where its structure comes from, and what detection must say. */
export interface CrmFixture {
  adapterId: string;
  name: string;
  url: string;
  source: string;
  expect: LeadContext | null;
  html: string;
}

const HEADER = /^<!--fixture\s*([\s\S]*?)-->/;

export function loadFixtures(root = FIXTURES_DIR): CrmFixture[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(root, dir.name))
        .filter((file) => file.endsWith('.html'))
        .map((file) => {
          const html = readFileSync(join(root, dir.name, file), 'utf8');
          const header = html.match(HEADER)?.[1];
          if (!header) throw new Error(`${dir.name}/${file} has no <!--fixture {…}--> header`);
          const meta = JSON.parse(header) as Omit<CrmFixture, 'adapterId' | 'name' | 'html'>;
          return { adapterId: dir.name, name: file.replace(/\.html$/, ''), html, ...meta };
        }),
    );
}

/**
 * Parses a fixture as a browser would, declarative shadow roots included (DOMParser leaves
 * `<template shadowrootmode>` as a template; a browser loading the page attaches the shadow root).
 * happy-dom's parser also marks the wrong option of a `<select>` as chosen when the markup says
 * `<option selected>`; a browser chooses that option, so we choose it again here.
 */
export function parseFixture(html: string): Document {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  attachDeclarativeShadowRoots(doc);
  for (const option of doc.querySelectorAll<HTMLOptionElement>('option[selected]')) option.selected = true;
  return doc;
}

function attachDeclarativeShadowRoots(root: ParentNode): void {
  for (const template of root.querySelectorAll<HTMLTemplateElement>('template[shadowrootmode]')) {
    const host = template.parentElement;
    if (!host) continue;
    const shadow = host.attachShadow({
      mode: template.getAttribute('shadowrootmode') === 'closed' ? 'closed' : 'open',
    });
    shadow.append(template.content.cloneNode(true));
    template.remove();
    attachDeclarativeShadowRoots(shadow);
  }
}
