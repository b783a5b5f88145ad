import { describe, expect, it } from 'vitest';
import { pageReport, redact } from '../../../lib/crm/outline';
import { loadFixtures, parseFixture } from '../../support/fixtures';

const fixtures = loadFixtures().filter(
  (fixture) => pageReport(fixture.url, parseFixture(fixture.html)) !== null,
);

/** Where the saved pages put a field's value, a person's name or contact details. */
const VALUE_POSITIONS = [
  '.test-id__field-value',
  'td.dataCol',
  '[data-selenium-test^="property-input"]',
  '.cxDvInfoValue',
  '.custom-field-value',
  '.field-value',
  '.attribute-value',
  '[data-testid="field-value"]',
  '[data-id*=".fieldControl"]',
  'option',
  '[role="option"]',
  'h1',
  'h2',
  '.record-name',
  '.record-contact',
  'lightning-formatted-name',
  'lightning-formatted-phone',
  'a[href^="mailto:"]',
  'td:not(.labelCol)',
].join(', ');

/** Every field value, name, phone number and e-mail address the saved page shows. */
function privateValues(url: string, html: string, doc: Document, signals: Record<string, string>): string[] {
  const found = new Set<string>(Object.values(signals));
  for (const match of html.matchAll(/[\w.+-]+@[\w-]+\.[\w.]+/g)) found.add(match[0]);
  for (const match of html.matchAll(/\+\d[\d ]{6,}\d/g)) found.add(match[0]);
  for (const element of doc.querySelectorAll(VALUE_POSITIONS)) {
    const text = element.textContent?.replace(/\s+/g, ' ').trim();
    if (text) found.add(text);
  }
  for (const input of doc.querySelectorAll('input, textarea')) {
    const value = (input as HTMLInputElement).value.trim();
    if (value) found.add(value);
  }
  if (doc.title && doc.title !== 'Record') found.add(doc.title);
  // Too short to be anyone's data, and a word a label or a tag name may share ("Web", "Lead"); or
  // already in the page's address, which the report shows (redacted) on purpose.
  return [...found].filter((value) => value.length >= 4 && !url.toLowerCase().includes(value.toLowerCase()));
}

describe('the page report', () => {
  it.each(fixtures.map((f) => [`${f.adapterId}/${f.name}`, f] as const))(
    'of %s carries no value, name or e-mail from the page',
    (_, fixture) => {
      const doc = parseFixture(fixture.html);
      const report = pageReport(fixture.url, doc)!;
      const values = privateValues(fixture.url, fixture.html, doc, fixture.expect?.signals ?? {});
      if (fixture.expect) expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(report.toLowerCase(), value).not.toContain(value.toLowerCase());
    },
  );

  it('names the adapter and its version, the record and the signals it read (names only)', () => {
    const fixture = fixtures.find((f) => f.adapterId === 'salesforce-lightning' && f.name === 'lead')!;
    const report = pageReport(fixture.url, parseFixture(fixture.html))!;
    expect(report).toContain('adapter: salesforce-lightning 3 — Salesforce Lightning');
    expect(report).toContain('record: lead');
    expect(report).toContain('signals read: leadSource, utmSource, utmMedium, utmCampaign, region');
    expect(report).toContain('page: https://acme.lightning.force.com/lightning/r/Lead/<id>/view');
  });

  it('keeps the structure an adapter is written from: tags, ids, classes, field anchors and labels', () => {
    const fixture = fixtures.find((f) => f.adapterId === 'zoho' && f.name === 'lead-renamed-label')!;
    const report = pageReport(fixture.url, parseFixture(fixture.html))!;
    expect(report).toContain(
      'div#field_label_#.cxDvInfoFormField [data-zcqa="dtVw_lbl_LEADSOURCE"] "How they found us:"',
    );
    expect(report).toMatch(/div#field_#\.dvValueContainer\.cxDvInfoValue/);
    const dynamics = fixtures.find((f) => f.adapterId === 'dynamics' && f.name === 'lead')!;
    const dynamicsReport = pageReport(dynamics.url, parseFixture(dynamics.html))!;
    expect(dynamicsReport).toContain('label#id-1-leadsourcecode-field-label "Lead Source"');
    expect(dynamicsReport).toContain(
      'select [data-id="leadsourcecode.fieldControl-option-set-select"] [aria-label]',
    );
    expect(dynamicsReport).toContain(
      'page: https://contoso.crm4.dynamics.com/main.aspx?appid=…&pagetype=entityrecord&etn=lead&id=…',
    );
  });

  it('says when the record was recognised but nothing was read', () => {
    const report = pageReport(
      'https://app.hubspot.com/contacts/4412345/record/0-1/51234',
      parseFixture('<!doctype html><body><div class="private-layout">Jane Doe</div></body>'),
    )!;
    expect(report).toContain('record: contact');
    expect(report).toContain('signals read: none');
    expect(report).not.toContain('Jane Doe');
  });

  it("leaves out our own panel, form values, links and every other attribute's value", () => {
    const doc = parseFixture(`<!doctype html><body>
      <sameroom-panel><template shadowrootmode="open"><h2>Hannover Messe brief</h2></template></sameroom-panel>
      <div id="contact-jane.doe@example.com" class="owner-4412345 row" title="Jane Doe" data-params='{"id":"4876876000001234567"}'>
        <label for="email">E-mail jane.doe@example.com</label>
        <input id="email" type="email" value="jane.doe@example.com" placeholder="Jane">
        <a href="https://www.linkedin.com/in/janedoe">profile</a>
      </div>
      <other-widget><template shadowrootmode="open"><span class="field-label">Region</span></template></other-widget>
    </body>`);
    const report = pageReport(
      'https://acme.lightning.force.com/lightning/r/Lead/00Q5g00000A1b2cEAB/view',
      doc,
    )!;
    expect(report).not.toMatch(/jane|doe|hannover|linkedin|4876876|4412345/i);
    expect(report).toContain('div#<e-mail>.owner-#.row [title] [data-params]');
    expect(report).toContain('label [for="email"] "E-mail <e-mail>"');
    expect(report).toContain('input#email [type="email"] [value] [placeholder]');
    expect(report).toContain('#shadow-root');
    expect(report).toContain('span.field-label "Region"');
    expect(report).not.toContain('sameroom-panel');
  });

  it('is not offered on a host no adapter serves', () => {
    expect(pageReport('https://example.com/lead/1', parseFixture('<body></body>'))).toBeNull();
    expect(pageReport('not a url', parseFixture('<body></body>'))).toBeNull();
  });
});

describe('redaction', () => {
  it.each([
    ['jane.doe@example.com', '<e-mail>'],
    ['+49 30 1234567', '#'],
    ['4876876000001234567', '#'],
    ['3f2e1d0c-9b8a-4765-8432-10fedcba9876', '<uuid>'],
    ['00Q5g00000A1b2cEAB', '<id>'],
    ['slds-form-element__label', 'slds-form-element__label'],
    ['Lead Source', 'Lead Source'],
  ])('turns %j into %j', (raw, redacted) => {
    expect(redact(raw)).toBe(redacted);
  });
});
